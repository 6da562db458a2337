using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Conversations;

// Checking the options, and the signing key made on first use when none is configured.
public sealed partial class FileSystemAssetBlobStore
{
    private static List<string> Validate(FileSystemAssetOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.RootPath))
        {
            failures.Add("RootPath is required: the folder that holds the asset bytes.");
        }

        foreach (var key in options.SigningKeys)
        {
            if (key is null || string.IsNullOrEmpty(key.Id) || !KeyIdPattern().IsMatch(key.Id))
            {
                failures.Add("Each signing key needs an Id of letters, digits, '-' or '_'.");
            }
            else if (key.Secret is null || key.Secret.Length < 32)
            {
                failures.Add($"Signing key '{key.Id}' needs a secret of at least 32 bytes.");
            }
        }

        if (options.SigningKeys.Where(k => k is not null).GroupBy(k => k.Id, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            failures.Add("Signing key ids must be unique.");
        }

        if (options.BaseUrl is { } baseUrl && !baseUrl.StartsWith('/') && !Uri.TryCreate(baseUrl, UriKind.Absolute, out _))
        {
            failures.Add("BaseUrl must be a path starting with '/' or an absolute URL.");
        }

        return failures;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdPattern();

    private static AssetSigningKey LocalKey(string root)
    {
        // Made once, atomically (write aside, then rename without overwrite), so every process sharing the folder agrees.
        var path = Path.Combine(root, ".signing-key");
        if (!File.Exists(path))
        {
            var temp = path + "." + Guid.NewGuid().ToString("N");
            File.WriteAllText(temp, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
            finally
            {
                File.Delete(temp);
            }
        }

        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException e)
        {
            throw new UnavailableException($"'{path}' does not hold a signing key; delete it to have a new one made.", e);
        }

        return secret.Length >= 32 ? new AssetSigningKey { Id = "local", Secret = secret } : throw new UnavailableException($"'{path}' holds a key shorter than 32 bytes; delete it to have a new one made.");
    }
}
