using System.Text;

namespace Conversations.Internal;

/// <summary>The opaque position of a folder listing: after a folder, or after an asset (name, id).</summary>
internal readonly record struct ListCursor(string? FolderPath, string? AssetName, string? AssetId)
{
    public bool InAssets => AssetId is not null || FolderPath == "\0";

    public static ListCursor Parse(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return default;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            if (text.StartsWith("f\n", StringComparison.Ordinal))
            {
                return new ListCursor(text[2..], null, null);
            }

            var parts = text.Split('\n');
            if (parts is ["a", var name, var id])
            {
                return new ListCursor(null, name, id);
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidArgumentException("The cursor is not one this service returned.");
    }

    public static string AfterFolder(string path) => Convert.ToBase64String(Encoding.UTF8.GetBytes("f\n" + path));

    public static string AfterAsset(string name, string id) => Convert.ToBase64String(Encoding.UTF8.GetBytes("a\n" + name + "\n" + id));
}
