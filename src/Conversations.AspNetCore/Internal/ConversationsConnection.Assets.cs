using Conversations.Protocol;

namespace Conversations.Internal;

internal sealed partial class ConversationsConnection
{
    /// <summary>Runs one <c>assets.*</c> command and returns its ack frame.</summary>
    private async Task<byte[]?> ExecuteAssetCommandAsync(ClientFrame f, CancellationToken ct)
    {
        var id = f.Id!;
        if (_services.Assets is not { } assets || _services.AssetFolders is not { } folders)
        {
            throw new UnavailableException("This server keeps no assets: configure an asset store (UseFileSystemAssets, UseS3Assets).");
        }

        switch (f.Type)
        {
            case AssetCommandTypes.UploadBegin:
                return FrameWriter.Ack(id, await assets.BeginUploadAsync(_account, HttpEndpoints.ToBeginUpload(f), ct).ConfigureAwait(false), Json.UploadTicket);

            case AssetCommandTypes.UploadComplete:
                return FrameWriter.Ack(id, await assets.CompleteUploadAsync(_account, Required(f.AssetId, "assetId"), f.Sha256, ct).ConfigureAwait(false), Json.Asset);

            case AssetCommandTypes.Get:
                return FrameWriter.Ack(id, await assets.GetAsync(_account, Required(f.AssetId, "assetId"), f.Via, ct).ConfigureAwait(false), Json.Asset);

            case AssetCommandTypes.Link:
                return FrameWriter.Ack(id, await assets.GetDownloadAsync(_account, Required(f.AssetId, "assetId"), f.Via, ct).ConfigureAwait(false), Json.AssetDownload);

            case AssetCommandTypes.Move:
                return FrameWriter.Ack(id, await assets.MoveAsync(_account, Required(f.AssetId, "assetId"), f.Folder, f.Name, ct).ConfigureAwait(false), Json.Asset);

            case AssetCommandTypes.Delete:
                await assets.DeleteAsync(_account, Required(f.AssetId, "assetId"), ct).ConfigureAwait(false);
                return FrameWriter.Ack(id);

            case AssetCommandTypes.List:
                var query = new AssetListQuery { Folder = f.Folder ?? "/", Cursor = f.Cursor, Limit = f.Limit ?? 100 };
                return FrameWriter.Ack(id, await folders.ListAsync(_account, ScopeOf(f), query, ct).ConfigureAwait(false), Json.AssetListing);

            case AssetCommandTypes.FoldersCreate:
                return FrameWriter.Ack(id, await folders.CreateFolderAsync(_account, ScopeOf(f), Required(f.Path, "path"), ct).ConfigureAwait(false), Json.AssetFolder);

            case AssetCommandTypes.FoldersMove:
                return FrameWriter.Ack(id, await folders.MoveFolderAsync(_account, ScopeOf(f), Required(f.Path, "path"), Required(f.NewPath, "newPath"), ct).ConfigureAwait(false), Json.AssetFolder);

            case AssetCommandTypes.FoldersDelete:
                var deleted = await folders.DeleteFolderAsync(_account, ScopeOf(f), Required(f.Path, "path"), ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, new AssetDeleteResult { Deleted = deleted }, Json.AssetDeleteResult);

            default:
                await InvalidAsync(id, ConversationsErrorCode.InvalidArgument.Value, $"Unknown command \"{f.Type}\".").ConfigureAwait(false);
                return null;
        }
    }

    private static AssetScope ScopeOf(ClientFrame f) => f.Scope ?? throw new InvalidArgumentException("The command needs \"scope\".");
}
