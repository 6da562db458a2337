using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>Checks what the attributes on <see cref="ConversationsOptions"/> cannot express.</summary>
internal sealed class FlowTimeoutValidator : IValidateOptions<ConversationsOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationsOptions options) =>
        options.FlowTimeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromDays(1))
            ? ValidateOptionsResult.Fail($"{nameof(ConversationsOptions.FlowTimeout)} must be positive and at most one day, or null for no limit; it is {timeout}.")
            : ValidateOptionsResult.Success;
}
