using System.Security.Cryptography;
using Conversations.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>The asset and folder services: access checks, limits, the upload flow and short-lived links.</summary>
internal sealed partial class AssetService(
    EngineCore core,
    AssetBlobStore blobs,
    AssetAccess access,
    IOptions<AssetOptions> options,
    ILogger<AssetService> logger) : IAssetService, IAssetFolderService
{
    private readonly AssetOptions _options = options.Value;

    private ConversationStore Store => core.Store;

    /// <summary>The blob key of an asset: derived from its id alone.</summary>
    public static string KeyOf(string assetId) => "assets/" + assetId;

    public async Task<UploadTicket> BeginUploadAsync(Account caller, BeginUploadRequest request, CancellationToken cancellationToken = default)
    {
        var asset = await ReserveAsync(caller, request, cancellationToken).ConfigureAwait(false);
        var upload = await blobs.CreateUploadAsync(KeyOf(asset.Id), new BlobUpload(asset.MediaType, asset.Size, asset.ExpiresAt!.Value), cancellationToken).ConfigureAwait(false);
        return new UploadTicket { Asset = asset, Upload = upload };
    }

    public async Task<Asset> CompleteUploadAsync(Account caller, string assetId, string? sha256 = null, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(assetId, nameof(assetId));
        var declaredHash = sha256 is null ? null : Hash(sha256);
        var asset = await FindAsync(assetId, cancellationToken).ConfigureAwait(false);
        if (!caller.IsSystem && !(string.Equals(asset.UploadedBy, caller.Id, StringComparison.Ordinal) && asset.UploaderKind == caller.Kind))
        {
            throw new ForbiddenException($"Only the uploader may complete the upload of asset '{assetId}'.");
        }

        if (asset.Status == AssetStatus.Ready)
        {
            return asset;
        }

        if (asset.ExpiresAt <= core.Now)
        {
            throw new ConflictException($"The reservation of asset '{assetId}' has expired; begin a new upload.");
        }

        var key = KeyOf(assetId);
        var info = await blobs.HeadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new ConflictException($"The bytes of asset '{assetId}' have not arrived; upload them before completing.");

        string? failure = null;
        ConversationsException? error = null;
        var expectedHash = declaredHash ?? asset.Sha256;
        string? actualHash = null;
        if (info.Size != asset.Size)
        {
            failure = $"{info.Size} bytes arrived; {asset.Size} were declared.";
            error = info.Size > _options.MaxAssetBytes
                ? new LimitExceededException($"The upload is larger than {_options.MaxAssetBytes} bytes and was deleted.")
                : new InvalidArgumentException($"The upload was refused and deleted: {failure}");
        }
        else
        {
            (actualHash, failure) = await InspectAsync(key, asset.MediaType, info.Sha256, cancellationToken).ConfigureAwait(false);
            if (failure is null && expectedHash is not null && !string.Equals(expectedHash, actualHash, StringComparison.Ordinal))
            {
                failure = "the SHA-256 of the bytes differs from the one declared.";
            }

            error = failure is null ? null : new InvalidArgumentException($"The upload was refused and deleted: {failure}");
        }

        if (error is not null)
        {
            Log.UploadRefused(logger, assetId, failure!);
            await DiscardAsync(assetId, AssetStatus.Pending, cancellationToken).ConfigureAwait(false);
            throw error;
        }

        var ready = await Store.CompleteAssetAsync(assetId, info.Size, actualHash!, core.Now, cancellationToken).ConfigureAwait(false);
        if (ready is null)
        {
            var now = await Store.GetAssetAsync(assetId, cancellationToken).ConfigureAwait(false);
            return now is { Status: AssetStatus.Ready } ? now : throw new ConflictException($"The reservation of asset '{assetId}' has expired; begin a new upload.");
        }

        AssetMetrics.Uploaded(ready.Size);
        Log.AssetReady(logger, assetId, ready.Size, ready.Scope.ToString());
        return ready;
    }

    public async Task<Asset> UploadAsync(Account caller, BeginUploadRequest request, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var asset = await ReserveAsync(caller, request, cancellationToken).ConfigureAwait(false);
        try
        {
            // Never store more than declared plus one byte: enough to tell that the stream was longer.
            var capped = new LengthLimitedStream(content, asset.Size + 1);
            await using var _ = capped.ConfigureAwait(false);
            await blobs.WriteAsync(KeyOf(asset.Id), capped, asset.MediaType, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DiscardAsync(asset.Id, AssetStatus.Pending, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return await CompleteUploadAsync(caller, asset.Id, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Asset> GetAsync(Account caller, string assetId, MessageRef? via = null, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(assetId, nameof(assetId));
        var asset = await FindAsync(assetId, cancellationToken).ConfigureAwait(false);
        await access.RequireReadAsync(caller, asset, via, cancellationToken).ConfigureAwait(false);
        return asset;
    }

    public async Task<AssetDownload> GetDownloadAsync(Account caller, string assetId, MessageRef? via = null, CancellationToken cancellationToken = default)
    {
        var asset = await GetReadyAsync(caller, assetId, via, cancellationToken).ConfigureAwait(false);
        var inline = MediaTypes.Matches(asset.MediaType, _options.InlineMediaTypes) && !MediaTypes.IsActive(asset.MediaType);
        var expires = core.Now + _options.UrlLifetime;
        var url = await blobs.GetDownloadUrlAsync(KeyOf(asset.Id), new BlobDownload(asset.Name, asset.MediaType, inline, expires), cancellationToken).ConfigureAwait(false);
        AssetMetrics.LinkIssued();
        return new AssetDownload { Asset = asset, Url = url, ExpiresAt = expires, Inline = inline };
    }

    public async Task<Stream> OpenReadAsync(Account caller, string assetId, MessageRef? via = null, CancellationToken cancellationToken = default)
    {
        var asset = await GetReadyAsync(caller, assetId, via, cancellationToken).ConfigureAwait(false);
        return await blobs.OpenReadAsync(KeyOf(asset.Id), cancellationToken).ConfigureAwait(false);
    }

    public async Task<Asset> MoveAsync(Account caller, string assetId, string? folder, string? name, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(assetId, nameof(assetId));
        var newFolder = folder is null ? null : AssetNames.Folder(folder, _options.MaxNameLength, _options.MaxFolderDepth);
        var newName = name is null ? null : AssetNames.Name(name, _options.MaxNameLength);
        var asset = await FindAsync(assetId, cancellationToken).ConfigureAwait(false);
        await access.RequireManageAsync(caller, asset, cancellationToken).ConfigureAwait(false);
        if (asset.Status != AssetStatus.Ready)
        {
            throw new ConflictException($"Asset '{assetId}' is still pending.");
        }

        if (newFolder is not null)
        {
            await EnsureFoldersAsync(caller, asset.Scope, newFolder, cancellationToken).ConfigureAwait(false);
        }

        return await Store.MoveAssetAsync(assetId, newFolder ?? asset.Folder, newName ?? asset.Name, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"Asset '{assetId}' does not exist.");
    }

    public async Task DeleteAsync(Account caller, string assetId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(assetId, nameof(assetId));
        var asset = await FindAsync(assetId, cancellationToken).ConfigureAwait(false);
        await access.RequireManageAsync(caller, asset, cancellationToken).ConfigureAwait(false);
        if (!await Store.MarkAssetDeletingAsync(assetId, expected: null, cancellationToken).ConfigureAwait(false))
        {
            throw new NotFoundException($"Asset '{assetId}' does not exist.");
        }

        Log.AssetDeleted(logger, assetId, caller.Id);
        await TryRemoveAsync(assetId).ConfigureAwait(false);
    }

    /// <summary>Removes a deleting asset's bytes, then its record; on failure the sweeper tries again later.</summary>
    internal async Task<bool> TryRemoveAsync(string assetId)
    {
        try
        {
            await blobs.DeleteAsync(KeyOf(assetId), CancellationToken.None).ConfigureAwait(false);
            await Store.RemoveAssetAsync(assetId, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.RemoveFailed(logger, e, assetId);
            return false;
        }
    }

    private async Task DiscardAsync(string assetId, AssetStatus expected, CancellationToken cancellationToken)
    {
        if (await Store.MarkAssetDeletingAsync(assetId, expected, cancellationToken).ConfigureAwait(false))
        {
            await TryRemoveAsync(assetId).ConfigureAwait(false);
        }
    }

    private async Task<Asset> ReserveAsync(Account caller, BeginUploadRequest request, CancellationToken cancellationToken)
    {
        EngineCore.ValidateCaller(caller);
        ArgumentNullException.ThrowIfNull(request);
        var scope = Scope(caller, request.Scope);
        var name = AssetNames.Name(request.Name, _options.MaxNameLength);
        var folder = AssetNames.Folder(request.Folder, _options.MaxNameLength, _options.MaxFolderDepth);
        var mediaType = string.IsNullOrWhiteSpace(request.MediaType) ? MediaTypes.OctetStream
            : MediaTypes.TryNormalize(request.MediaType, out var normalized) ? normalized
            : throw new InvalidArgumentException($"'{request.MediaType}' is not a media type.");
        if (_options.AllowedMediaTypes.Count > 0 && !MediaTypes.Matches(mediaType, _options.AllowedMediaTypes))
        {
            throw new InvalidArgumentException($"Files of type '{mediaType}' may not be uploaded here.");
        }

        if (request.Size < 0)
        {
            throw new InvalidArgumentException("The size must not be negative.");
        }

        if (request.Size > _options.MaxAssetBytes)
        {
            throw new LimitExceededException($"The file is {request.Size} bytes; the limit is {_options.MaxAssetBytes}.");
        }

        var sha = request.Sha256 is null ? null : Hash(request.Sha256);
        await access.RequireWriteAsync(caller, scope, cancellationToken).ConfigureAwait(false);
        await EnsureFoldersAsync(caller, scope, folder, cancellationToken).ConfigureAwait(false);

        var now = core.Now;
        var asset = new Asset
        {
            Id = core.NewId(),
            Scope = scope,
            Folder = folder,
            Name = name,
            MediaType = mediaType,
            Size = request.Size,
            Sha256 = sha,
            UploadedBy = caller.Id,
            UploaderKind = caller.Kind,
            Status = AssetStatus.Pending,
            CreatedAt = now,
            ExpiresAt = now + _options.PendingLifetime,
        };
        if (!await Store.ReserveAssetAsync(asset, _options.QuotaBytesPerScope, cancellationToken).ConfigureAwait(false))
        {
            throw new LimitExceededException($"{scope} would exceed its quota of {_options.QuotaBytesPerScope} bytes.");
        }

        Log.UploadReserved(logger, asset.Id, asset.Size, scope.ToString(), caller.Id);
        return asset;
    }

    private async Task<Asset> GetReadyAsync(Account caller, string assetId, MessageRef? via, CancellationToken cancellationToken)
    {
        var asset = await GetAsync(caller, assetId, via, cancellationToken).ConfigureAwait(false);
        return asset.Status == AssetStatus.Ready ? asset : throw new ConflictException($"Asset '{assetId}' is still being uploaded.");
    }

    private async Task<Asset> FindAsync(string assetId, CancellationToken cancellationToken)
    {
        RequireAssets();
        var asset = await Store.GetAssetAsync(assetId, cancellationToken).ConfigureAwait(false);
        return asset is null || asset.Status == AssetStatus.Deleting ? throw new NotFoundException($"Asset '{assetId}' does not exist.") : asset;
    }

    private async Task<(string Sha256, string? Failure)> InspectAsync(string key, string mediaType, string? knownHash, CancellationToken cancellationToken)
    {
        var stream = await blobs.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var head = new byte[MediaSniffer.HeadLength];
            var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var failure = MediaSniffer.Check(mediaType, head.AsSpan(0, read));
            if (failure is not null || knownHash is not null)
            {
                return (knownHash ?? string.Empty, failure);
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(head, 0, read);
            var buffer = new byte[81920];
            int n;
            while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, n);
            }

            return (Convert.ToHexStringLower(hash.GetHashAndReset()), null);
        }
    }

    private AssetScope Scope(Account caller, AssetScope? requested)
    {
        if (requested is { IsEmpty: false } scope)
        {
            core.ValidateId(scope.Id, "scope");
            return scope;
        }

        return caller.IsSystem
            ? throw new InvalidArgumentException("The system account has no space of its own; name a scope.")
            : AssetScope.Account(caller.Id);
    }

    private void RequireAssets()
    {
        if (!Store.SupportsAssets)
        {
            throw new UnavailableException($"The store ({Store.GetType().Name}) does not keep assets.");
        }
    }

    private static string Hash(string value)
    {
        var lower = value.Trim().ToLowerInvariant();
        return lower.Length == 64 && lower.All(char.IsAsciiHexDigitLower) ? lower : throw new InvalidArgumentException("A SHA-256 is 64 hexadecimal digits.");
    }
}
