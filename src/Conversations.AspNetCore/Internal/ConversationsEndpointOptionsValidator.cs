using Microsoft.Extensions.Options;

namespace Conversations.Internal;

[OptionsValidator]
internal sealed partial class ConversationsEndpointOptionsValidator : IValidateOptions<ConversationsEndpointOptions>
{
    /// <summary>Validates the data annotations and the time spans (checked by hand: TimeSpan ranges are not trim-safe).</summary>
    public static ValidateOptionsResult ValidateAll(ConversationsEndpointOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new ConversationsEndpointOptionsValidator().Validate(null, options));
        var ws = options.WebSockets;
        Check(builder, ws.KeepAliveInterval, TimeSpan.FromHours(1), nameof(ws.KeepAliveInterval));
        Check(builder, ws.KeepAliveTimeout, TimeSpan.FromHours(1), nameof(ws.KeepAliveTimeout));
        Check(builder, ws.SlowClientTimeout, TimeSpan.FromHours(1), nameof(ws.SlowClientTimeout));
        Check(builder, ws.CloseTimeout, TimeSpan.FromMinutes(10), nameof(ws.CloseTimeout));
        if (ws.EventBatchWindow < TimeSpan.Zero || ws.EventBatchWindow > TimeSpan.FromMinutes(1))
        {
            builder.AddError($"Must be zero or more and at most {TimeSpan.FromMinutes(1)}.", "WebSockets." + nameof(ws.EventBatchWindow));
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (origin != "*" && !Uri.TryCreate(origin, UriKind.Absolute, out _))
            {
                builder.AddError($"\"{origin}\" is not an origin (scheme://host[:port]) or \"*\".", nameof(options.AllowedOrigins));
            }
        }

        return builder.Build();
    }

    private static void Check(ValidateOptionsResultBuilder builder, TimeSpan value, TimeSpan max, string name)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            builder.AddError($"Must be more than zero and at most {max}.", "WebSockets." + name);
        }
    }
}
