namespace Conversations;

/// <summary>What to create a conversation with.</summary>
public sealed class CreateConversationRequest
{
    /// <summary>Gets the conversation's title.</summary>
    public string? Title { get; set; }
}
