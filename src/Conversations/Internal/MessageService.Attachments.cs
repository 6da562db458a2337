namespace Conversations.Internal;

internal sealed partial class MessageService
{
    /// <summary>
    /// Turns the attachments of a post or edit into references to ready assets the caller may attach, with name, type
    /// and size taken from the store. Attachments the message already carries are kept as they are.
    /// </summary>
    private async Task<IReadOnlyList<Attachment>> ResolveAttachmentsAsync(
        Account caller,
        string roomId,
        IReadOnlyList<Attachment>? requested,
        IReadOnlyList<Attachment>? current,
        CancellationToken cancellationToken)
    {
        if (requested is null || requested.Count == 0)
        {
            return [];
        }

        if (!Core.Store.SupportsAssets)
        {
            throw new InvalidArgumentException($"This host keeps no assets ({Core.Store.GetType().Name}), so messages cannot carry attachments.");
        }

        var resolved = new Attachment[requested.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requested.Count; i++)
        {
            var id = requested[i].AssetId;
            if (!seen.Add(id))
            {
                throw new InvalidArgumentException($"Asset '{id}' is attached twice.");
            }

            if (current?.FirstOrDefault(a => string.Equals(a.AssetId, id, StringComparison.Ordinal)) is { } kept)
            {
                resolved[i] = kept;
                continue;
            }

            var asset = await Core.Store.GetAssetAsync(id, cancellationToken).ConfigureAwait(false);
            if (asset is null || asset.Status == AssetStatus.Deleting)
            {
                throw new NotFoundException($"Asset '{id}' does not exist.");
            }

            if (!AssetAccess.CanAttach(caller, asset, roomId))
            {
                throw new ForbiddenException($"'{caller.Id}' may not attach asset '{id}' here: only the caller's own files and this room's library can be attached.");
            }

            if (asset.Status != AssetStatus.Ready)
            {
                throw new ConflictException($"Asset '{id}' is still being uploaded; complete the upload first.");
            }

            resolved[i] = new Attachment { AssetId = asset.Id, Name = asset.Name, MediaType = asset.MediaType, Size = asset.Size };
        }

        return resolved;
    }
}
