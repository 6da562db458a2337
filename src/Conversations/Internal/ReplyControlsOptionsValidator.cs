using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>Checks the durations of <see cref="ConversationsOptions"/> that the reply controls (stop, regenerate) use.</summary>
internal sealed class ReplyControlsOptionsValidator : IValidateOptions<ConversationsOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationsOptions options) =>
        options.StopTimeout < TimeSpan.FromMilliseconds(10) || options.StopTimeout > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"{nameof(ConversationsOptions.StopTimeout)} must be between 00:00:00.0100000 and 01:00:00; it is {options.StopTimeout}.")
            : ValidateOptionsResult.Success;
}
