using System.Globalization;
using System.Text;

namespace Conversations.Internal;

/// <summary>File and folder names: NFC, no separators, no control or invisible formatting characters, not '.' or '..'.</summary>
internal static class AssetNames
{
    public const string Root = "/";

    public static string Name(string? value, int maxLength, string what = "name")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidArgumentException($"The {what} must not be empty.");
        }

        // Refuse the over-long before normalizing, so a huge input costs nothing.
        if (value.Length > maxLength * 4)
        {
            throw new LimitExceededException($"The {what} is longer than {maxLength} characters.");
        }

        if (!IsWellFormed(value))
        {
            throw new InvalidArgumentException($"The {what} is not well-formed Unicode.");
        }

        var name = value.Normalize(NormalizationForm.FormC);
        if (name.Length > maxLength)
        {
            throw new LimitExceededException($"The {what} is longer than {maxLength} characters.");
        }

        if (name is "." or "..")
        {
            throw new InvalidArgumentException($"The {what} must not be '.' or '..'.");
        }

        foreach (var c in name)
        {
            if (c is '/' or '\\')
            {
                throw new InvalidArgumentException($"The {what} must not contain '/' or '\\'.");
            }

            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || (category == UnicodeCategory.Format && c != '\u200D'))
            {
                throw new InvalidArgumentException($"The {what} must not contain control or invisible formatting characters (U+{(int)c:X4}).");
            }
        }

        if (name.Trim().Length != name.Length)
        {
            throw new InvalidArgumentException($"The {what} must not start or end with white space.");
        }

        return name;
    }

    /// <summary>Normalizes a folder path to <c>/</c> or <c>/a/b</c>; <see langword="null"/> or empty means the top.</summary>
    public static string Folder(string? value, int maxNameLength, int maxDepth)
    {
        if (string.IsNullOrEmpty(value) || value == Root)
        {
            return Root;
        }

        if (value.Length > (maxNameLength + 1) * maxDepth * 4)
        {
            throw new LimitExceededException($"The folder path is longer than {maxDepth} names of {maxNameLength} characters.");
        }

        if (value[0] != '/')
        {
            throw new InvalidArgumentException("A folder path starts with '/'.");
        }

        var trimmed = value.EndsWith('/') ? value[..^1] : value;
        var segments = trimmed[1..].Split('/');
        if (segments.Length > maxDepth)
        {
            throw new LimitExceededException($"Folders nest at most {maxDepth} deep.");
        }

        var sb = new StringBuilder(trimmed.Length);
        foreach (var segment in segments)
        {
            sb.Append('/').Append(Name(segment, maxNameLength, "folder name"));
        }

        return sb.ToString();
    }

    public static string Parent(string path) => path == Root ? Root : path.LastIndexOf('/') is 0 ? Root : path[..path.LastIndexOf('/')];

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or inside it.</summary>
    public static bool IsWithin(string path, string folder) =>
        folder == Root || string.Equals(path, folder, StringComparison.Ordinal) || path.StartsWith(folder + "/", StringComparison.Ordinal);

    /// <summary>The chain of folders from the top down to <paramref name="path"/>, excluding the top.</summary>
    public static IEnumerable<string> Chain(string path)
    {
        if (path == Root)
        {
            yield break;
        }

        var i = 0;
        while ((i = path.IndexOf('/', i + 1)) > 0)
        {
            yield return path[..i];
        }

        yield return path;
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
