using Conversations.Storage;

namespace Conversations.Testing;

public abstract partial class ConversationStoreConformanceTests
{
    /// <summary>Stores a ready asset straight through the store (no bytes), for messages that carry attachments.</summary>
    /// <param name="scope">The space.</param>
    /// <param name="name">The file name.</param>
    /// <param name="mediaType">The media type.</param>
    /// <param name="size">The size.</param>
    /// <returns>The ready asset.</returns>
    protected Task<Asset> ReadyAssetAsync(AssetScope scope, string name, string mediaType, long size) =>
        TestAssets.ReadyAsync(Store, Host.Time.GetUtcNow(), scope, name, mediaType, size);
}

/// <summary>Makes asset records for tests.</summary>
internal static class TestAssets
{
    public static async Task<Asset> ReadyAsync(ConversationStore store, DateTimeOffset now, AssetScope scope, string name, string mediaType, long size, string folder = "/")
    {
        var pending = Pending(now, scope, name, mediaType, size, folder);
        if (!await store.ReserveAssetAsync(pending, long.MaxValue, CancellationToken.None).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The reservation was refused.");
        }

        return await store.CompleteAssetAsync(pending.Id, size, new string('a', 64), now, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The asset did not complete.");
    }

    public static Asset Pending(DateTimeOffset now, AssetScope scope, string name, string mediaType, long size, string folder = "/", TimeSpan? lifetime = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Scope = scope,
        Folder = folder,
        Name = name,
        MediaType = mediaType,
        Size = size,
        UploadedBy = scope.Id,
        UploaderKind = AccountKind.User,
        Status = AssetStatus.Pending,
        CreatedAt = now,
        ExpiresAt = now + (lifetime ?? TimeSpan.FromHours(1)),
    };
}
