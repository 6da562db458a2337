using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

internal static partial class Log
{
    [LoggerMessage(40, LogLevel.Debug, "Upload of asset {AssetId} ({Size} bytes) reserved in {Scope} by {ActorId}.")]
    public static partial void UploadReserved(ILogger logger, string assetId, long size, string scope, string actorId);

    [LoggerMessage(41, LogLevel.Information, "Asset {AssetId} is ready ({Size} bytes in {Scope}).")]
    public static partial void AssetReady(ILogger logger, string assetId, long size, string scope);

    [LoggerMessage(42, LogLevel.Warning, "Upload of asset {AssetId} refused: {Reason}")]
    public static partial void UploadRefused(ILogger logger, string assetId, string reason);

    [LoggerMessage(43, LogLevel.Information, "Asset {AssetId} deleted by {ActorId}.")]
    public static partial void AssetDeleted(ILogger logger, string assetId, string actorId);

    [LoggerMessage(44, LogLevel.Information, "Folder {Folder} of {Scope} deleted by {ActorId} with {Count} assets.")]
    public static partial void FolderDeleted(ILogger logger, string folder, string scope, int count, string actorId);

    [LoggerMessage(45, LogLevel.Warning, "Removing the bytes or record of asset {AssetId} failed; the sweeper retries.")]
    public static partial void RemoveFailed(ILogger logger, Exception exception, string assetId);

    [LoggerMessage(46, LogLevel.Debug, "Asset sweep removed {Count} lapsed reservations and deleted assets.")]
    public static partial void AssetsSwept(ILogger logger, int count);

    [LoggerMessage(47, LogLevel.Error, "The asset sweep failed.")]
    public static partial void AssetSweepFailed(ILogger logger, Exception exception);
}
