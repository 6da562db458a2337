using System.Text;

namespace Conversations.Internal;

/// <summary>Checks the first bytes of an upload against its declared media type.</summary>
internal static class MediaSniffer
{
    /// <summary>How many leading bytes the check reads.</summary>
    public const int HeadLength = 512;

    private static readonly (string Type, byte[] Magic, int Offset)[] s_signatures =
    [
        ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 0),
        ("image/jpeg", [0xFF, 0xD8, 0xFF], 0),
        ("image/gif", "GIF87a"u8.ToArray(), 0),
        ("image/gif", "GIF89a"u8.ToArray(), 0),
        ("image/bmp", "BM"u8.ToArray(), 0),
        ("application/pdf", "%PDF-"u8.ToArray(), 0),
        ("application/zip", [0x50, 0x4B, 0x03, 0x04], 0),
        ("application/gzip", [0x1F, 0x8B], 0),
    ];

    private static readonly string[] s_markup = ["<!doctype html", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe", "<object", "<embed", "<!--"];

    /// <summary>Returns why the bytes do not fit the declared type, or <see langword="null"/> when they do.</summary>
    public static string? Check(string declared, ReadOnlySpan<byte> head)
    {
        var detected = Detect(head);
        var expectsSignature = declared == "image/webp" || Array.Exists(s_signatures, s => s.Type == declared);
        if (expectsSignature && detected != declared)
        {
            return $"The content is not {declared}" + (detected is null ? "." : $"; it looks like {detected}.");
        }

        if (declared.StartsWith("image/", StringComparison.Ordinal) && !MediaTypes.IsActive(declared) && LooksLikeMarkup(head))
        {
            return $"The content is markup (HTML, SVG or XML), not {declared}.";
        }

        return null;
    }

    public static string? Detect(ReadOnlySpan<byte> head)
    {
        foreach (var (type, magic, offset) in s_signatures)
        {
            if (head.Length >= offset + magic.Length && head.Slice(offset, magic.Length).SequenceEqual(magic))
            {
                return type;
            }
        }

        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        return LooksLikeMarkup(head) ? "text/html" : null;
    }

    private static bool LooksLikeMarkup(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }

        var i = 0;
        while (i < head.Length && head[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\f')
        {
            i++;
        }

        var text = Encoding.ASCII.GetString(head[i..Math.Min(head.Length, i + 32)]).ToLowerInvariant();
        foreach (var tag in s_markup)
        {
            if (text.StartsWith(tag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
