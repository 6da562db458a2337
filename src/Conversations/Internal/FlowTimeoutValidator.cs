using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>Checks the durations of <see cref="ConversationsOptions"/>, which the attribute validator cannot express without reflection.</summary>
internal sealed class FlowTimeoutValidator : IValidateOptions<ConversationsOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationsOptions options)
    {
        var failures = new List<string>();
        if (options.FlowTimeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromDays(1)))
        {
            failures.Add($"{nameof(ConversationsOptions.FlowTimeout)} must be positive and at most one day, or null for no limit; it is {timeout}.");
        }

        Check(failures, nameof(ConversationsOptions.FlowRetryDelay), options.FlowRetryDelay, TimeSpan.Zero, TimeSpan.FromDays(1));
        Check(failures, nameof(ConversationsOptions.FlowRetryMaxDelay), options.FlowRetryMaxDelay, TimeSpan.Zero, TimeSpan.FromDays(1));
        Check(failures, nameof(ConversationsOptions.FlowLeaseDuration), options.FlowLeaseDuration, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        Check(failures, nameof(ConversationsOptions.StreamLeaseDuration), options.StreamLeaseDuration, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        Check(failures, nameof(ConversationsOptions.StreamCheckpointInterval), options.StreamCheckpointInterval, TimeSpan.Zero, TimeSpan.FromHours(1));
        Check(failures, nameof(ConversationsOptions.AuthorizationCacheDuration), options.AuthorizationCacheDuration, TimeSpan.Zero, TimeSpan.FromHours(1));
        Check(failures, nameof(ConversationsOptions.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        if (options.FlowRetryMaxDelay < options.FlowRetryDelay)
        {
            failures.Add($"{nameof(ConversationsOptions.FlowRetryMaxDelay)} ({options.FlowRetryMaxDelay}) must be at least {nameof(ConversationsOptions.FlowRetryDelay)} ({options.FlowRetryDelay}).");
        }

        if (options.StreamCheckpointInterval >= options.StreamLeaseDuration)
        {
            failures.Add($"{nameof(ConversationsOptions.StreamCheckpointInterval)} ({options.StreamCheckpointInterval}) must be shorter than {nameof(ConversationsOptions.StreamLeaseDuration)} ({options.StreamLeaseDuration}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} must be between {min} and {max}; it is {value}.");
        }
    }
}
