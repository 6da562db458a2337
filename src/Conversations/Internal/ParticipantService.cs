namespace Conversations.Internal;

internal sealed class ParticipantService(EngineCore core, EventPublisher publisher) : IParticipantService
{
    public async Task<Participant> AddAsync(Account caller, string roomId, ParticipantSpec participant, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(roomId, nameof(roomId));
        ArgumentNullException.ThrowIfNull(participant);
        RoomService.ValidateSpec(core, participant);

        var room = await GetStandardRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        var actor = await core.AuthorizeAsync(caller, roomId, ParticipantRole.Admin, cancellationToken).ConfigureAwait(false);
        if (participant.Role >= ParticipantRole.Admin && !IsOwner(caller, actor))
        {
            throw new ForbiddenException("Only an owner may add admins and owners.");
        }

        var existing = await core.Store.GetParticipantsAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (existing.Count >= core.Options.MaxParticipantsPerRoom)
        {
            throw new LimitExceededException($"Room '{roomId}' already has {existing.Count} participants, the most allowed.");
        }

        var added = RoomService.ToParticipant(room.Id, participant, participant.Role, core.Now);
        if (!await core.Store.AddParticipantAsync(added, cancellationToken).ConfigureAwait(false))
        {
            throw new ConflictException($"'{participant.AccountId}' is already a participant of room '{roomId}'.");
        }

        publisher.Publish(new ParticipantAddedEvent { RoomId = roomId, ActorId = caller.Id, Timestamp = added.JoinedAt, Participant = added });
        return added;
    }

    public async Task<Participant> UpdateAsync(Account caller, string roomId, string accountId, ParticipantUpdate update, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(roomId, nameof(roomId));
        core.ValidateId(accountId, nameof(accountId));
        ArgumentNullException.ThrowIfNull(update);
        core.ValidateName(update.DisplayName, nameof(update.DisplayName));
        if (update.Role is { } newRole)
        {
            EngineCore.ValidateEnum(newRole, nameof(update.Role));
        }

        await GetStandardRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        var actor = await core.AuthorizeAsync(caller, roomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        var target = await core.Store.GetParticipantAsync(roomId, accountId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"'{accountId}' is not a participant of room '{roomId}'.");

        var onlyOwnName = actor is not null && string.Equals(actor.AccountId, accountId, StringComparison.Ordinal)
            && update.Role is null && update.AutoRespond is null;
        if (!onlyOwnName)
        {
            if (!EngineCore.IsAdmin(caller, actor))
            {
                throw new ForbiddenException("Only an admin or an owner may change participants.");
            }

            if ((target.Role >= ParticipantRole.Admin || update.Role >= ParticipantRole.Admin) && !IsOwner(caller, actor))
            {
                throw new ForbiddenException("Only an owner may change admins and owners, or make them.");
            }
        }

        if (update.AutoRespond == true && target.Kind != AccountKind.Agent)
        {
            throw new InvalidArgumentException($"Only agents can auto-respond; '{accountId}' is a {target.Kind}.");
        }

        var changed = new Participant
        {
            RoomId = target.RoomId,
            AccountId = target.AccountId,
            Kind = target.Kind,
            JoinedAt = target.JoinedAt,
            Role = update.Role ?? target.Role,
            AutoRespond = update.AutoRespond ?? target.AutoRespond,
            DisplayName = update.DisplayName ?? target.DisplayName,
        };
        if (!await core.Store.UpdateParticipantAsync(changed, cancellationToken).ConfigureAwait(false))
        {
            throw new NotFoundException($"'{accountId}' is not a participant of room '{roomId}'.");
        }

        core.Participants.Invalidate(roomId, accountId);
        publisher.Publish(new ParticipantUpdatedEvent { RoomId = roomId, ActorId = caller.Id, Timestamp = core.Now, Participant = changed });
        return changed;
    }

    public async Task RemoveAsync(Account caller, string roomId, string accountId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(roomId, nameof(roomId));
        core.ValidateId(accountId, nameof(accountId));

        await GetStandardRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        var actor = await core.AuthorizeAsync(caller, roomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        var target = await core.Store.GetParticipantAsync(roomId, accountId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"'{accountId}' is not a participant of room '{roomId}'.");

        var leaving = actor is not null && string.Equals(actor.AccountId, accountId, StringComparison.Ordinal);
        if (!leaving)
        {
            if (!EngineCore.IsAdmin(caller, actor))
            {
                throw new ForbiddenException("Only an admin or an owner may remove other participants.");
            }

            if (target.Role >= ParticipantRole.Admin && !IsOwner(caller, actor))
            {
                throw new ForbiddenException("Only an owner may remove admins and owners.");
            }
        }

        if (!await core.Store.RemoveParticipantAsync(roomId, accountId, cancellationToken).ConfigureAwait(false))
        {
            throw new NotFoundException($"'{accountId}' is not a participant of room '{roomId}'.");
        }

        core.Participants.Invalidate(roomId, accountId);
        publisher.Publish(new ParticipantRemovedEvent { RoomId = roomId, ActorId = caller.Id, Timestamp = core.Now, AccountId = accountId });
    }

    public async Task<IReadOnlyList<Participant>> ListAsync(Account caller, string roomId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(roomId, nameof(roomId));
        await core.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, roomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        return await core.Store.GetParticipantsAsync(roomId, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsOwner(Account caller, Participant? actor) => caller.IsSystem || actor?.Role == ParticipantRole.Owner;

    private async Task<Room> GetStandardRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        var room = await core.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        return room.Kind == RoomKind.Direct
            ? throw new ConflictException($"Room '{roomId}' is a direct room; its participants never change.")
            : room;
    }
}
