using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Conversations.Internal;

/// <summary>HMAC-SHA256 signatures over (key, operation, expiry, and what is served), with key ids for rotation.</summary>
internal sealed class UrlSigner(IReadOnlyList<AssetSigningKey> keys)
{
    public string Sign(IReadOnlyDictionary<string, string> fields)
    {
        var key = keys[0];
        return key.Id + "." + Base64Url(HMACSHA256.HashData(key.Secret, Canonical(fields)));
    }

    public bool Verify(IReadOnlyDictionary<string, string> fields, string? signature)
    {
        var dot = signature?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (signature is null || dot <= 0)
        {
            return false;
        }

        var keyId = signature[..dot];
        byte[] given;
        try
        {
            given = FromBase64Url(signature[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }

        foreach (var key in keys)
        {
            if (string.Equals(key.Id, keyId, StringComparison.Ordinal))
            {
                var expected = HMACSHA256.HashData(key.Secret, Canonical(fields));
                return CryptographicOperations.FixedTimeEquals(expected, given);
            }
        }

        return false;
    }

    public static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static byte[] Canonical(IReadOnlyDictionary<string, string> fields)
    {
        var sb = new StringBuilder("conversations-blob-v1");
        foreach (var (name, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            sb.Append('\n').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
