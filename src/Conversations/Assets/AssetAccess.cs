using Conversations.Storage;

namespace Conversations.Internal;

/// <summary>Who may read, upload into and manage which asset spaces.</summary>
internal sealed class AssetAccess(EngineCore core)
{
    private ConversationStore Store => core.Store;

    public async ValueTask RequireReadAsync(Account caller, Asset asset, MessageRef? via, CancellationToken cancellationToken)
    {
        if (await CanReadScopeAsync(caller, asset.Scope, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (via is not null && await CanReadThroughAsync(caller, asset.Id, via, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        throw new ForbiddenException($"'{caller.Id}' may not read asset '{asset.Id}'.");
    }

    public async ValueTask RequireListAsync(Account caller, AssetScope scope, CancellationToken cancellationToken)
    {
        if (!await CanReadScopeAsync(caller, scope, cancellationToken).ConfigureAwait(false))
        {
            throw new ForbiddenException($"'{caller.Id}' may not read the assets of {scope}.");
        }
    }

    /// <summary>Uploading and creating folders: the owner of a personal space; members and above of a room.</summary>
    public async ValueTask RequireWriteAsync(Account caller, AssetScope scope, CancellationToken cancellationToken)
    {
        if (scope.Kind == AssetScopeKind.Account)
        {
            RequireOwner(caller, scope);
            return;
        }

        await core.GetRoomAsync(scope.Id, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, scope.Id, ParticipantRole.Member, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moving and deleting folders: the owner of a personal space; admins and owners of a room.</summary>
    public async ValueTask RequireManageAsync(Account caller, AssetScope scope, CancellationToken cancellationToken)
    {
        if (scope.Kind == AssetScopeKind.Account)
        {
            RequireOwner(caller, scope);
            return;
        }

        await core.GetRoomAsync(scope.Id, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, scope.Id, ParticipantRole.Admin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moving or deleting one asset: its uploader (still a participant) or whoever manages the space.</summary>
    public async ValueTask RequireManageAsync(Account caller, Asset asset, CancellationToken cancellationToken)
    {
        if (asset.Scope.Kind == AssetScopeKind.Account)
        {
            RequireOwner(caller, asset.Scope);
            return;
        }

        var participant = await core.AuthorizeAsync(caller, asset.Scope.Id, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        var isUploader = string.Equals(asset.UploadedBy, caller.Id, StringComparison.Ordinal) && asset.UploaderKind == caller.Kind;
        if (!EngineCore.IsAdmin(caller, participant) && !isUploader)
        {
            throw new ForbiddenException($"Only the uploader, an admin or an owner may change asset '{asset.Id}'.");
        }
    }

    /// <summary>
    /// Whether a message in <paramref name="roomId"/> posted by <paramref name="caller"/> may carry the asset: the caller's own
    /// files, and the room's own library. The room's participants then read it through the message.
    /// </summary>
    public static bool CanAttach(Account caller, Asset asset, string roomId) =>
        caller.IsSystem
        || (asset.Scope.Kind == AssetScopeKind.Account && string.Equals(asset.Scope.Id, caller.Id, StringComparison.Ordinal))
        || (asset.Scope.Kind == AssetScopeKind.Room && string.Equals(asset.Scope.Id, roomId, StringComparison.Ordinal));

    private async ValueTask<bool> CanReadScopeAsync(Account caller, AssetScope scope, CancellationToken cancellationToken)
    {
        if (caller.IsSystem)
        {
            return true;
        }

        if (scope.Kind == AssetScopeKind.Account)
        {
            return string.Equals(scope.Id, caller.Id, StringComparison.Ordinal);
        }

        var participant = await Store.GetParticipantAsync(scope.Id, caller.Id, cancellationToken).ConfigureAwait(false);
        return participant is not null && participant.Kind == caller.Kind;
    }

    private async ValueTask<bool> CanReadThroughAsync(Account caller, string assetId, MessageRef via, CancellationToken cancellationToken)
    {
        core.ValidateId(via.ConversationId, "conversationId");
        core.ValidateId(via.MessageId, "messageId");
        var message = await Store.GetMessageAsync(via.ConversationId, via.MessageId, cancellationToken).ConfigureAwait(false);
        if (message is null || message.IsDeleted || !message.Attachments.Any(a => string.Equals(a.AssetId, assetId, StringComparison.Ordinal)))
        {
            return false;
        }

        var participant = await Store.GetParticipantAsync(message.RoomId, caller.Id, cancellationToken).ConfigureAwait(false);
        return participant is not null && participant.Kind == caller.Kind;
    }

    private static void RequireOwner(Account caller, AssetScope scope)
    {
        if (!caller.IsSystem && !string.Equals(scope.Id, caller.Id, StringComparison.Ordinal))
        {
            throw new ForbiddenException($"Only '{scope.Id}' may change the assets of {scope}.");
        }
    }
}
