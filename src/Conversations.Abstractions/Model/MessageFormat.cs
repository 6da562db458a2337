namespace Conversations;

/// <summary>How a message's text is to be rendered.</summary>
public enum MessageFormat
{
    /// <summary>Plain text.</summary>
    Plain = 0,

    /// <summary>Markdown.</summary>
    Markdown = 1,
}
