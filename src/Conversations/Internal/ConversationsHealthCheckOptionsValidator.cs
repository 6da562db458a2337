using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>Checks the timings of <see cref="ConversationsHealthCheckOptions"/>.</summary>
internal sealed class ConversationsHealthCheckOptionsValidator : IValidateOptions<ConversationsHealthCheckOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationsHealthCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(5))
        {
            builder.AddError($"Must be more than zero and at most 5 minutes; it is {options.Timeout}.", nameof(options.Timeout));
        }

        if (options.TriggerDegradedAfter <= TimeSpan.Zero)
        {
            builder.AddError($"Must be more than zero; it is {options.TriggerDegradedAfter}.", nameof(options.TriggerDegradedAfter));
        }

        if (options.TriggerStuckAfter < options.TriggerDegradedAfter || options.TriggerStuckAfter > TimeSpan.FromDays(1))
        {
            builder.AddError(
                $"Must be at least {nameof(options.TriggerDegradedAfter)} ({options.TriggerDegradedAfter}) and at most one day; it is {options.TriggerStuckAfter}.",
                nameof(options.TriggerStuckAfter));
        }

        if (options.Tags.Any(string.IsNullOrWhiteSpace))
        {
            builder.AddError("Tags must not be empty.", nameof(options.Tags));
        }

        return builder.Build();
    }
}
