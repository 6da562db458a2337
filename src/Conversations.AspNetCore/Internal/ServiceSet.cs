namespace Conversations.Internal;

/// <summary>The engine's services, resolved once per endpoint.</summary>
internal sealed class ServiceSet(IRoomService rooms, IParticipantService participants, IConversationService conversations, IMessageService messages, TimeProvider timeProvider)
{
    public IRoomService Rooms { get; } = rooms;

    public IParticipantService Participants { get; } = participants;

    public IConversationService Conversations { get; } = conversations;

    public IMessageService Messages { get; } = messages;

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Gets the asset service, or <see langword="null"/> when no asset store is configured.</summary>
    public IAssetService? Assets { get; init; }

    /// <summary>Gets the asset folder service, or <see langword="null"/> when no asset store is configured.</summary>
    public IAssetFolderService? AssetFolders { get; init; }

    /// <summary>Returns the same services with posts, stream appends, direct-room requests and uploads also limited by <paramref name="acquire"/>.</summary>
    public ServiceSet LimitedBy(Action<Account, RateLimitOperation> acquire) =>
        new(new RateLimitedRoomService(Rooms, acquire), Participants, Conversations, new RateLimitedMessageService(Messages, acquire), TimeProvider)
        {
            Assets = Assets is null ? null : new RateLimitedAssetService(Assets, acquire),
            AssetFolders = AssetFolders,
        };
}
