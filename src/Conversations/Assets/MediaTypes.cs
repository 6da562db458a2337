using System.Diagnostics.CodeAnalysis;

namespace Conversations.Internal;

/// <summary>Media type text: normalizing, matching allow-lists, and the types that can carry script.</summary>
internal static class MediaTypes
{
    public const string OctetStream = "application/octet-stream";

    private static readonly string[] s_active =
    [
        "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/javascript",
        "application/javascript", "application/ecmascript", "text/ecmascript", "application/x-javascript", "text/xsl",
        "application/xslt+xml", "application/rdf+xml", "text/vtt", "multipart/x-mixed-replace",
    ];

    /// <summary>Lower-cases a media type and drops its parameters; refuses anything that is not <c>type/subtype</c>.</summary>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var bare = (semicolon < 0 ? value : value[..semicolon]).Trim().ToLowerInvariant();
        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        if (bare.Length > 127 || slash <= 0 || slash == bare.Length - 1 || bare.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        foreach (var c in bare)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '!' or '#' or '$' or '&' or '-' or '^' or '_' or '.' or '+'))
            {
                return false;
            }
        }

        normalized = bare;
        return true;
    }

    public static bool IsPattern(string? value) =>
        value is not null && (value == "*/*" || (value.EndsWith("/*", StringComparison.Ordinal) && TryNormalize(value[..^2] + "/x", out _)) || TryNormalize(value, out _));

    public static bool Matches(string mediaType, IEnumerable<string> patterns)
    {
        foreach (var pattern in patterns)
        {
            var p = pattern.Trim().ToLowerInvariant();
            if (p == "*/*" || p == mediaType || (p.EndsWith("/*", StringComparison.Ordinal) && mediaType.StartsWith(p[..^1], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a browser may run script from content of this type (so it is never served inline).</summary>
    public static bool IsActive(string mediaType) =>
        Array.IndexOf(s_active, mediaType) >= 0 || mediaType.EndsWith("+xml", StringComparison.Ordinal) || mediaType.Contains("javascript", StringComparison.Ordinal);
}
