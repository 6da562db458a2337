using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Conversations.Internal;
using Conversations.Storage;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>
/// The default blob store: asset bytes in a local folder, reached through URLs signed with HMAC-SHA256 over the key,
/// the operation, the expiry and what is served, and served by the endpoint that <c>MapConversations</c> maps at
/// <c>{prefix}/blobs</c>.
/// </summary>
/// <remarks>
/// <para>
/// An upload is written to a temporary file while its SHA-256 is computed, capped at the declared size, and then renamed
/// into place; a key that holds an object is never overwritten. Several processes may share the folder.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class FileSystemAssetBlobStore : AssetBlobStore
{
    private const string DefaultBaseUrl = "/conversations/blobs";
    private const long BackgroundFlushBytes = 2 * 1024 * 1024;
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly UrlSigner _signer;
    private readonly bool _baseUrlFixed;
    private string _baseUrl;

    /// <summary>Initializes a new instance of the <see cref="FileSystemAssetBlobStore"/> class.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock for URL expiry; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public FileSystemAssetBlobStore(FileSystemAssetOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Validate(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FileSystemAssetOptions), failures);
        }

        _root = Path.GetFullPath(options.RootPath);
        Directory.CreateDirectory(_root);
        _time = timeProvider ?? TimeProvider.System;
        _baseUrlFixed = options.BaseUrl is not null;
        _baseUrl = (options.BaseUrl ?? DefaultBaseUrl).TrimEnd('/');
        _signer = new UrlSigner(options.SigningKeys.Count > 0 ? [.. options.SigningKeys] : [LocalKey(_root)]);
    }

    /// <summary>Gets the folder that holds the bytes.</summary>
    public string RootPath => _root;

    /// <summary>Gets the URL path (or absolute URL) under which the bytes are served.</summary>
    public string BaseUrl => _baseUrl;

    /// <inheritdoc />
    public override ValueTask<PresignedRequest> CreateUploadAsync(string key, BlobUpload upload, CancellationToken cancellationToken)
    {
        CheckKey(key);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["op"] = "put",
            ["key"] = key,
            ["exp"] = UrlSigner.Unix(upload.ExpiresAt),
            ["ct"] = upload.ContentType,
            ["len"] = upload.Size.ToString(CultureInfo.InvariantCulture),
        };
        return new(new PresignedRequest
        {
            Method = "PUT",
            Url = Url(key, fields),
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = upload.ContentType },
            ExpiresAt = upload.ExpiresAt,
        });
    }

    /// <inheritdoc />
    public override ValueTask<string> GetDownloadUrlAsync(string key, BlobDownload download, CancellationToken cancellationToken)
    {
        CheckKey(key);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["op"] = "get",
            ["key"] = key,
            ["exp"] = UrlSigner.Unix(download.ExpiresAt),
            ["ct"] = download.ContentType,
            ["fn"] = download.FileName,
            ["dl"] = download.Inline ? "inline" : "attachment",
        };
        return new(Url(key, fields));
    }

    /// <inheritdoc />
    public override ValueTask<BlobInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return new((BlobInfo?)null);
        }

        string? sha = null;
        try
        {
            sha = File.ReadAllText(path + ".sha256").Trim();
        }
        catch (IOException)
        {
        }

        return new(new BlobInfo(file.Length, sha is { Length: 64 } ? sha : null));
    }

    /// <inheritdoc />
    public override ValueTask<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return new(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"No object is stored at '{key}'.", e);
        }
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var result = await ReceiveAsync(key, content, long.MaxValue, cancellationToken).ConfigureAwait(false);
        if (result == BlobReceiveResult.AlreadyExists)
        {
            throw new ConflictException($"An object is already stored at '{key}'.");
        }
    }

    /// <inheritdoc />
    public override ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        File.Delete(path);
        File.Delete(path + ".sha256");
        File.Delete(path + ".part");
        return default;
    }

    /// <summary>
    /// Checks a request made to the blob endpoint: the signature over its query, its expiry, and that it is for
    /// <paramref name="key"/> and <paramref name="operation"/>.
    /// </summary>
    /// <param name="key">The key in the request path.</param>
    /// <param name="operation"><c>put</c> or <c>get</c>, from the HTTP method.</param>
    /// <param name="query">Reads a query parameter, or <see langword="null"/> when absent.</param>
    /// <returns>What the signature allows, or <see langword="null"/> when it is missing, tampered, for another operation or expired.</returns>
    public SignedBlobRequest? Verify(string key, string operation, Func<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!IsValidKey(key) || query("op") != operation || query("exp") is not { } exp
            || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires < _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["op"] = operation, ["key"] = key, ["exp"] = exp, ["ct"] = query("ct") ?? string.Empty };
        long size = 0;
        if (operation == "put")
        {
            fields["len"] = query("len") ?? string.Empty;
            if (!long.TryParse(fields["len"], NumberStyles.None, CultureInfo.InvariantCulture, out size))
            {
                return null;
            }
        }
        else
        {
            fields["fn"] = query("fn") ?? string.Empty;
            fields["dl"] = query("dl") ?? string.Empty;
        }

        if (!_signer.Verify(fields, query("sig")))
        {
            return null;
        }

        return new SignedBlobRequest { Operation = operation, Key = key, ContentType = fields["ct"], Size = size, FileName = fields.GetValueOrDefault("fn", string.Empty), Inline = fields.GetValueOrDefault("dl") == "inline" };
    }

    /// <summary>Stores the body of a verified <c>put</c>: exactly the declared size, once.</summary>
    /// <param name="request">The verified request.</param>
    /// <param name="body">The bytes.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>What happened.</returns>
    public async Task<BlobReceiveResult> ReceiveAsync(SignedBlobRequest request, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        return await ReceiveAsync(request.Key, body, request.Size, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the file that holds an object, or <see langword="null"/> when none is stored.</summary>
    /// <param name="key">The object key.</param>
    /// <returns>The full path, or <see langword="null"/>.</returns>
    public string? GetFilePath(string key)
    {
        var path = PathOf(key);
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Sets where the bytes are served, unless <see cref="FileSystemAssetOptions.BaseUrl"/> was set. <c>MapConversations</c>
    /// calls it with <c>{prefix}/blobs</c>.
    /// </summary>
    /// <param name="baseUrl">The URL path or absolute URL.</param>
    /// <exception cref="ArgumentException"><paramref name="baseUrl"/> is null, empty or white space.</exception>
    public void ServeAt(string baseUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseUrl);
        if (!_baseUrlFixed)
        {
            _baseUrl = baseUrl.TrimEnd('/');
        }
    }

    private async Task<BlobReceiveResult> ReceiveAsync(string key, Stream body, long size, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            return BlobReceiveResult.AlreadyExists;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var part = path + ".part";
        var complete = false;
        try
        {
            string sha;
            long written = 0;
            var tooLarge = false;
            var file = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                // Two buffers: while one chunk is being written, the next is hashed and read. Written bytes are flushed
                // to disk in the background as they accumulate, so hashing overlaps the disk instead of preceding it.
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                byte[][] buffers = [new byte[128 * 1024], new byte[128 * 1024]];
                var pending = ValueTask.CompletedTask;
                var flushing = Task.CompletedTask;
                long flushedUpTo = 0;
                var current = 0;
                int n;
                while ((n = await body.ReadAsync(buffers[current], cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (written + n > size)
                    {
                        tooLarge = true;
                        break;
                    }

                    await pending.ConfigureAwait(false);
                    pending = file.WriteAsync(buffers[current].AsMemory(0, n), cancellationToken);
                    hash.AppendData(buffers[current], 0, n);
                    written += n;
                    current ^= 1;
                    if (written - flushedUpTo >= BackgroundFlushBytes && flushing.IsCompleted)
                    {
                        await flushing.ConfigureAwait(false);
                        flushedUpTo = written;
                        var handle = file.SafeFileHandle;
                        flushing = Task.Run(() => RandomAccess.FlushToDisk(handle), CancellationToken.None);
                    }
                }

                await pending.ConfigureAwait(false);
                await flushing.ConfigureAwait(false);
                if (tooLarge)
                {
                    return BlobReceiveResult.TooLarge;
                }

                if (size != long.MaxValue && written != size)
                {
                    return BlobReceiveResult.SizeMismatch;
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            await File.WriteAllTextAsync(path + ".sha256", sha, cancellationToken).ConfigureAwait(false);
            try
            {
                File.Move(part, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                return BlobReceiveResult.AlreadyExists;
            }

            complete = true;
            return BlobReceiveResult.Stored;
        }
        finally
        {
            if (!complete)
            {
                File.Delete(part);
            }
        }
    }

    private string Url(string key, Dictionary<string, string> fields)
    {
        var sig = _signer.Sign(fields);
        var query = string.Join('&', fields.Where(f => f.Key != "key").Select(f => f.Key + "=" + Uri.EscapeDataString(f.Value)));
        return $"{_baseUrl}/{key}?{query}&sig={Uri.EscapeDataString(sig)}";
    }

    private string PathOf(string key)
    {
        CheckKey(key);
        var slash = key.LastIndexOf('/');
        var name = key[(slash + 1)..];
        var shard = name.Length >= 2 ? name[^2..] : "_";
        return Path.Combine(_root, slash < 0 ? string.Empty : key[..slash], shard, name);
    }

    private static void CheckKey(string key)
    {
        if (!IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a blob key (letters, digits, '-', '_' and '/' separators).", nameof(key));
        }
    }

    private static bool IsValidKey(string? key) => key is { Length: > 0 and <= 256 } && KeyPattern().IsMatch(key);

    [GeneratedRegex("^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
