using System.Runtime.CompilerServices;
using Conversations.Transport;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

internal sealed partial class RoomService(EngineCore core, EventPublisher publisher, ConversationEventBus bus, InboxService inbox, ILogger<RoomService> logger) : IRoomService
{
    public async Task<Room> CreateRoomAsync(Account caller, CreateRoomRequest request, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        ArgumentNullException.ThrowIfNull(request);
        core.ValidateName(request.Name, nameof(request.Name));
        var specs = ValidateSpecs(request.Participants);

        var now = core.Now;
        var room = new Room { Id = core.NewId(), Kind = RoomKind.Standard, Name = request.Name, CreatedBy = caller.Id, CreatedAt = now };
        var participants = specs.Select(s => ToParticipant(room.Id, s, s.Role, now)).ToList();
        if (!caller.IsSystem && !participants.Exists(p => string.Equals(p.AccountId, caller.Id, StringComparison.Ordinal)))
        {
            participants.Insert(0, new Participant { RoomId = room.Id, AccountId = caller.Id, Kind = caller.Kind, Role = ParticipantRole.Owner, JoinedAt = now });
        }

        if (participants.Count > core.Options.MaxParticipantsPerRoom)
        {
            throw new LimitExceededException($"A room may have {core.Options.MaxParticipantsPerRoom} participants.");
        }

        await core.Store.CreateRoomAsync(room, participants, cancellationToken).ConfigureAwait(false);
        Log.RoomCreated(logger, room.Id, caller.Id, room.Kind);
        publisher.Publish(new RoomCreatedEvent { RoomId = room.Id, ActorId = caller.Id, Timestamp = now, Room = room, Participants = participants });
        return room;
    }

    public async Task<Room> GetOrCreateDirectRoomAsync(Account caller, IReadOnlyList<ParticipantSpec> participants, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        ArgumentNullException.ThrowIfNull(participants);
        var specs = ValidateSpecs(participants, allowDuplicates: true);

        // The canonical set: distinct account ids, ordinally sorted. Ids hold no control characters, so a newline separates them safely.
        var distinct = specs
            .GroupBy(s => s.AccountId, StringComparer.Ordinal)
            .Select(g => g.All(s => s.Kind == g.First().Kind)
                ? g.First()
                : throw new InvalidArgumentException($"Account '{g.Key}' is listed with two different kinds."))
            .OrderBy(s => s.AccountId, StringComparer.Ordinal)
            .ToArray();
        if (distinct.Length < 2)
        {
            throw new InvalidArgumentException("A direct room needs at least two distinct accounts.");
        }

        if (distinct.Length > core.Options.MaxParticipantsPerRoom)
        {
            throw new LimitExceededException($"A room may have {core.Options.MaxParticipantsPerRoom} participants.");
        }

        if (!caller.IsSystem && !distinct.Any(s => string.Equals(s.AccountId, caller.Id, StringComparison.Ordinal) && s.Kind == caller.Kind))
        {
            throw new ForbiddenException("A direct room can only be opened by one of its participants.");
        }

        var directKey = string.Join('\n', distinct.Select(s => s.AccountId));
        var now = core.Now;
        var room = new Room { Id = core.NewId(), Kind = RoomKind.Direct, CreatedBy = caller.Id, CreatedAt = now };
        var members = distinct.Select(s => ToParticipant(room.Id, s, ParticipantRole.Member, now)).ToArray();
        var result = await core.Store.GetOrCreateDirectRoomAsync(directKey, room, members, cancellationToken).ConfigureAwait(false);
        if (result.Created)
        {
            Log.RoomCreated(logger, room.Id, caller.Id, room.Kind);
            publisher.Publish(new RoomCreatedEvent { RoomId = room.Id, ActorId = caller.Id, Timestamp = now, Room = room, Participants = members });
        }

        return result.Room;
    }

    public async Task<Room> GetRoomAsync(Account caller, string roomId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(roomId, nameof(roomId));
        var room = await core.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, roomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        return room;
    }

    public async Task<IReadOnlyList<Room>> ListRoomsAsync(Account caller, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        if (caller.IsSystem)
        {
            return [];
        }

        var rooms = await core.Store.GetRoomsForAccountAsync(caller.Id, cancellationToken).ConfigureAwait(false);
        return rooms.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToArray();
    }

    public async IAsyncEnumerable<ConversationEvent> SubscribeAsync(Account caller, string roomId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(roomId, nameof(roomId));
        await core.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, roomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);

        using var subscription = await bus.SubscribeAsync(new EventBusFilter { RoomId = roomId }, core.Options.SubscriberBufferCapacity, cancellationToken).ConfigureAwait(false);
        var reader = subscription.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                if (item.Event is not { } e || !(e.ConversationId is null || e is ConversationCreatedEvent))
                {
                    continue;
                }

                yield return e;
                if (e is ParticipantRemovedEvent removed && !caller.IsSystem && string.Equals(removed.AccountId, caller.Id, StringComparison.Ordinal))
                {
                    yield break;
                }
            }
        }
    }

    internal static Participant ToParticipant(string roomId, ParticipantSpec spec, ParticipantRole role, DateTimeOffset now) => new()
    {
        RoomId = roomId,
        AccountId = spec.AccountId,
        Kind = spec.Kind,
        Role = role,
        AutoRespond = spec.AutoRespond,
        DisplayName = spec.DisplayName,
        JoinedAt = now,
    };

    private ParticipantSpec[] ValidateSpecs(IReadOnlyList<ParticipantSpec>? specs, bool allowDuplicates = false)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (spec is null)
            {
                throw new InvalidArgumentException("A participant entry is null.");
            }

            ValidateSpec(core, spec);
            if (!seen.Add(spec.AccountId) && !allowDuplicates)
            {
                throw new InvalidArgumentException($"Account '{spec.AccountId}' is listed twice.");
            }
        }

        return specs.ToArray();
    }

    internal static void ValidateSpec(EngineCore core, ParticipantSpec spec)
    {
        core.ValidateId(spec.AccountId, nameof(spec.AccountId));
        core.ValidateName(spec.DisplayName, nameof(spec.DisplayName));
        EngineCore.ValidateEnum(spec.Role, nameof(spec.Role));
        EngineCore.ValidateEnum(spec.Kind, nameof(spec.Kind));
        if (spec.Kind == AccountKind.System)
        {
            throw new InvalidArgumentException("The system account cannot be a participant.");
        }

        if (spec.AutoRespond && spec.Kind != AccountKind.Agent)
        {
            throw new InvalidArgumentException($"Only agents can auto-respond; '{spec.AccountId}' is a {spec.Kind}.");
        }
    }
}
