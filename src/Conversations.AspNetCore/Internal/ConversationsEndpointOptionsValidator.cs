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
        Check(builder, ws.EventBatchWindow, TimeSpan.FromMinutes(1), nameof(ws.EventBatchWindow), zeroAllowed: true);

        foreach (var origin in options.AllowedOrigins)
        {
            if (origin != "*" && !Uri.TryCreate(origin, UriKind.Absolute, out _))
            {
                builder.AddError($"\"{origin}\" is not an origin (scheme://host[:port]) or \"*\".", nameof(options.AllowedOrigins));
            }
        }

        return builder.Build();
    }

    private static void Check(ValidateOptionsResultBuilder builder, TimeSpan value, TimeSpan max, string name, bool zeroAllowed = false)
    {
        if (value < TimeSpan.Zero || (value == TimeSpan.Zero && !zeroAllowed) || value > max)
        {
            builder.AddError($"Must be {(zeroAllowed ? "zero or more" : "more than zero")} and at most {max}.", "WebSockets." + name);
        }
    }
}
