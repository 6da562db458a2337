namespace Conversations.Protocol;

/// <summary>An RFC 9457 problem-details body with the error's stable code.</summary>
internal sealed class ProblemBody
{
    public string Type { get; set; } = "about:blank";

    public string? Title { get; set; }

    public int Status { get; set; }

    public string? Detail { get; set; }

    public string? Code { get; set; }
}
