using Microsoft.Extensions.Options;

namespace Conversations.AI.Internal;

[OptionsValidator]
internal sealed partial class ChatClientAgentOptionsValidator : IValidateOptions<ChatClientAgentOptions>
{
}

/// <summary>Checks what the attributes cannot express.</summary>
internal sealed class ChatClientAgentTimeoutValidator : IValidateOptions<ChatClientAgentOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatClientAgentOptions options) =>
        options.Timeout is { } timeout && timeout <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"Agent '{name}': {nameof(ChatClientAgentOptions.Timeout)} must be positive or null; it is {timeout}.")
            : !Enum.IsDefined(options.AttachmentContent)
                ? ValidateOptionsResult.Fail($"Agent '{name}': {nameof(ChatClientAgentOptions.AttachmentContent)} has an unknown value.")
            : !Enum.IsDefined(options.ReplyFormat)
                ? ValidateOptionsResult.Fail($"Agent '{name}': {nameof(ChatClientAgentOptions.ReplyFormat)} has an unknown value.")
                : ValidateOptionsResult.Success;
}
