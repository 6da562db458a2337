namespace Conversations.Storage;

/// <summary>
/// A store that forwards every call to another store: derive from it to add behaviour around a provider (telemetry,
/// caching, fault injection) by overriding only the members that need it.
/// </summary>
/// <remarks>Thread-safe when the inner store is.</remarks>
public partial class DelegatingConversationStore : ConversationStore
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingConversationStore"/> class.</summary>
    /// <param name="innerStore">The store calls are forwarded to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerStore"/> is <see langword="null"/>.</exception>
    public DelegatingConversationStore(ConversationStore innerStore)
    {
        ArgumentNullException.ThrowIfNull(innerStore);
        InnerStore = innerStore;
    }

    /// <summary>Gets the store calls are forwarded to.</summary>
    protected ConversationStore InnerStore { get; }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<StreamingMessage>> GetStreamingMessagesAsync(CancellationToken cancellationToken) => InnerStore.GetStreamingMessagesAsync(cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> CheckpointStreamAsync(StreamCheckpoint checkpoint, CancellationToken cancellationToken) => InnerStore.CheckpointStreamAsync(checkpoint, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Message?> ExpireStreamAsync(string conversationId, string messageId, DateTimeOffset now, CancellationToken cancellationToken) => InnerStore.ExpireStreamAsync(conversationId, messageId, now, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<FlowTriggerRecord>> ClaimTriggersAsync(TriggerClaim claim, CancellationToken cancellationToken) => InnerStore.ClaimTriggersAsync(claim, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> RenewTriggerLeaseAsync(FlowTriggerKey key, string owner, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken) => InnerStore.RenewTriggerLeaseAsync(key, owner, leaseExpiresAt, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> CompleteTriggerAsync(FlowTriggerKey key, string owner, TriggerCompletion completion, CancellationToken cancellationToken) => InnerStore.CompleteTriggerAsync(key, owner, completion, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<FlowTriggerRecord>> GetTriggersAsync(string conversationId, CancellationToken cancellationToken) => InnerStore.GetTriggersAsync(conversationId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<TriggerBacklog> GetTriggerBacklogAsync(CancellationToken cancellationToken) => InnerStore.GetTriggerBacklogAsync(cancellationToken);

    /// <inheritdoc />
    public override ValueTask InitializeAsync(CancellationToken cancellationToken) => InnerStore.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public override ValueTask CreateRoomAsync(Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken) => InnerStore.CreateRoomAsync(room, participants, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<DirectRoomResult> GetOrCreateDirectRoomAsync(string directKey, Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken) => InnerStore.GetOrCreateDirectRoomAsync(directKey, room, participants, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Room?> GetRoomAsync(string roomId, CancellationToken cancellationToken) => InnerStore.GetRoomAsync(roomId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Room>> GetRoomsForAccountAsync(string accountId, CancellationToken cancellationToken) => InnerStore.GetRoomsForAccountAsync(accountId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Participant?> GetParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken) => InnerStore.GetParticipantAsync(roomId, accountId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Participant>> GetParticipantsAsync(string roomId, CancellationToken cancellationToken) => InnerStore.GetParticipantsAsync(roomId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> AddParticipantAsync(Participant participant, CancellationToken cancellationToken) => InnerStore.AddParticipantAsync(participant, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> UpdateParticipantAsync(Participant participant, CancellationToken cancellationToken) => InnerStore.UpdateParticipantAsync(participant, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> RemoveParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken) => InnerStore.RemoveParticipantAsync(roomId, accountId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken) => InnerStore.CreateConversationAsync(conversation, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken) => InnerStore.GetConversationAsync(conversationId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Conversation>> GetConversationsAsync(string roomId, CancellationToken cancellationToken) => InnerStore.GetConversationsAsync(roomId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<AppendResult> AppendMessageAsync(Message message, AppendOptions options, CancellationToken cancellationToken) => InnerStore.AppendMessageAsync(message, options, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<UpdateResult> UpdateMessageAsync(Message message, CancellationToken cancellationToken) => InnerStore.UpdateMessageAsync(message, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Message?> GetMessageAsync(string conversationId, string messageId, CancellationToken cancellationToken) => InnerStore.GetMessageAsync(conversationId, messageId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Message>> GetMessagesAsync(string conversationId, HistoryQuery query, CancellationToken cancellationToken) => InnerStore.GetMessagesAsync(conversationId, query, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<LogEntry>> ReadLogAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken) => InnerStore.ReadLogAsync(conversationId, afterSequence, limit, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<ReadMarkerResult> SetReadMarkerAsync(ReadMarker marker, CancellationToken cancellationToken) => InnerStore.SetReadMarkerAsync(marker, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<ReadMarker>> GetReadMarkersAsync(string conversationId, CancellationToken cancellationToken) => InnerStore.GetReadMarkersAsync(conversationId, cancellationToken);

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerStore.GetService(serviceType, serviceKey);
    }
}
