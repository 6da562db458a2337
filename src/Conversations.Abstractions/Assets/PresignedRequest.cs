namespace Conversations;

/// <summary>
/// A request the caller may make straight to storage until <see cref="ExpiresAt"/>: the method, the URL (absolute, or
/// relative to the Conversations host), and headers that must be sent exactly as given because they are signed.
/// </summary>
public sealed class PresignedRequest
{
    /// <summary>Gets the HTTP method, such as <c>PUT</c>.</summary>
    public required string Method { get; init; }

    /// <summary>Gets the URL. A relative URL is resolved against the host that serves the Conversations endpoint.</summary>
    public required string Url { get; init; }

    /// <summary>Gets the headers to send with the request.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets when the URL stops working.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
