namespace Conversations;

/// <summary>How a chat-client agent shows message attachments to its model.</summary>
public enum AttachmentContentMode
{
    /// <summary>Only as a line of text: name, media type and size.</summary>
    Describe = 0,

    /// <summary>
    /// The bytes, as a Microsoft.Extensions.AI <c>DataContent</c>, for attachments of an allowed media type within the size
    /// limit; described in text otherwise.
    /// </summary>
    Data = 1,

    /// <summary>
    /// A short-lived download URL, as a <c>UriContent</c>, when the asset store hands out absolute URLs (S3) the model's
    /// provider can fetch; otherwise as <see cref="Data"/>.
    /// </summary>
    Uri = 2,
}
