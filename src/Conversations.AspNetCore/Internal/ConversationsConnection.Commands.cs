using Conversations.Protocol;

namespace Conversations.Internal;

internal sealed partial class ConversationsConnection
{
    private static ProtocolJson Json => ProtocolJson.Default;

    /// <summary>Runs one command and returns its ack frame, or <see langword="null"/> when the command already queued its answer.</summary>
    private async Task<byte[]?> ExecuteAsync(ClientFrame f, CancellationToken ct)
    {
        var id = f.Id!;
        var s = _services;
        switch (f.Type)
        {
            case CommandTypes.Ping:
                return FrameWriter.Ack(id);

            case CommandTypes.RoomsCreate:
                var room = await s.Rooms.CreateRoomAsync(_account, new CreateRoomRequest { Name = f.Name, Participants = ParticipantSpecDto.ToSpecs(f.Participants) }, ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, room, Json.Room);

            case CommandTypes.RoomsDirect:
                var direct = await s.Rooms.GetOrCreateDirectRoomAsync(_account, ParticipantSpecDto.ToSpecs(Required(f.Participants, "participants")), ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, direct, Json.Room);

            case CommandTypes.RoomsGet:
                return FrameWriter.Ack(id, await s.Rooms.GetRoomAsync(_account, Required(f.RoomId, "roomId"), ct).ConfigureAwait(false), Json.Room);

            case CommandTypes.RoomsList:
                return FrameWriter.Ack(id, await s.Rooms.ListRoomsAsync(_account, ct).ConfigureAwait(false), Json.IReadOnlyListRoom);

            case CommandTypes.RoomsSubscribe:
                return await SubscribeRoomAsync(id, Required(f.RoomId, "roomId"), ct).ConfigureAwait(false);

            case CommandTypes.RoomsUnsubscribe:
                await UnsubscribeAsync(RoomKey(Required(f.RoomId, "roomId"))).ConfigureAwait(false);
                return FrameWriter.Ack(id);

            case CommandTypes.ParticipantsAdd:
                var added = await s.Participants.AddAsync(_account, Required(f.RoomId, "roomId"), Required(f.Participant, "participant").ToSpec(), ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, added, Json.Participant);

            case CommandTypes.ParticipantsUpdate:
                var updated = await s.Participants.UpdateAsync(_account, Required(f.RoomId, "roomId"), Required(f.AccountId, "accountId"), Required(f.Update, "update"), ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, updated, Json.Participant);

            case CommandTypes.ParticipantsRemove:
                await s.Participants.RemoveAsync(_account, Required(f.RoomId, "roomId"), Required(f.AccountId, "accountId"), ct).ConfigureAwait(false);
                return FrameWriter.Ack(id);

            case CommandTypes.ParticipantsList:
                return FrameWriter.Ack(id, await s.Participants.ListAsync(_account, Required(f.RoomId, "roomId"), ct).ConfigureAwait(false), Json.IReadOnlyListParticipant);

            case CommandTypes.ConversationsCreate:
                var created = await s.Conversations.CreateAsync(_account, Required(f.RoomId, "roomId"), new CreateConversationRequest { Title = f.Title }, ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, created, Json.Conversation);

            case CommandTypes.ConversationsGet:
                return FrameWriter.Ack(id, await s.Conversations.GetAsync(_account, Required(f.ConversationId, "conversationId"), ct).ConfigureAwait(false), Json.Conversation);

            case CommandTypes.ConversationsList:
                return FrameWriter.Ack(id, await s.Conversations.ListAsync(_account, Required(f.RoomId, "roomId"), ct).ConfigureAwait(false), Json.IReadOnlyListConversation);

            case CommandTypes.MessagesPost:
                var posted = await s.Messages.PostAsync(_account, Required(f.ConversationId, "conversationId"), ToPostRequest(f), ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, posted, Json.Message);

            case CommandTypes.MessagesEdit:
                var edit = ToEditRequest(f);
                var edited = await s.Messages.EditAsync(_account, Required(f.ConversationId, "conversationId"), Required(f.MessageId, "messageId"), edit, ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, edited, Json.Message);

            case CommandTypes.MessagesDelete:
                var deleted = await s.Messages.DeleteAsync(_account, Required(f.ConversationId, "conversationId"), Required(f.MessageId, "messageId"), ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, deleted, Json.Message);

            case CommandTypes.MessagesHistory:
                var query = new HistoryQuery { Before = f.Before, After = f.After, Limit = f.Limit ?? 50 };
                var page = await s.Messages.GetHistoryAsync(_account, Required(f.ConversationId, "conversationId"), query, ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, page, Json.MessagePage);

            case CommandTypes.Subscribe:
                return await SubscribeConversationAsync(id, Required(f.ConversationId, "conversationId"), f.AfterSequence ?? 0, ct).ConfigureAwait(false);

            case CommandTypes.Unsubscribe:
                await UnsubscribeAsync(ConversationKey(Required(f.ConversationId, "conversationId"))).ConfigureAwait(false);
                return FrameWriter.Ack(id);

            case CommandTypes.Typing:
                await s.Conversations.SetTypingAsync(_account, Required(f.ConversationId, "conversationId"), f.IsTyping ?? true, ct).ConfigureAwait(false);
                return FrameWriter.Ack(id);

            case CommandTypes.Read:
                var marker = await s.Conversations.MarkReadAsync(_account, Required(f.ConversationId, "conversationId"), Required(f.Sequence, "sequence"), ct).ConfigureAwait(false);
                return FrameWriter.Ack(id, marker, Json.ReadMarker);

            case CommandTypes.ReadMarkers:
                return FrameWriter.Ack(id, await s.Conversations.GetReadMarkersAsync(_account, Required(f.ConversationId, "conversationId"), ct).ConfigureAwait(false), Json.IReadOnlyListReadMarker);

            case CommandTypes.StreamBegin:
                return FrameWriter.Ack(id, await BeginStreamAsync(f, ct).ConfigureAwait(false), Json.Message);

            case CommandTypes.StreamAppend:
                await OpenStream(f).AppendAsync(f.Delta ?? string.Empty, ct).ConfigureAwait(false);
                return FrameWriter.Ack(id);

            case CommandTypes.StreamComplete:
                return FrameWriter.Ack(id, await CloseStreamAsync(f, complete: true, ct).ConfigureAwait(false), Json.Message);

            case CommandTypes.StreamFail:
                return FrameWriter.Ack(id, await CloseStreamAsync(f, complete: false, ct).ConfigureAwait(false), Json.Message);

            case CommandTypes.MessagesStop:
                return FrameWriter.Ack(id, await s.Messages.StopAsync(_account, Required(f.ConversationId, "conversationId"), Required(f.MessageId, "messageId"), ct).ConfigureAwait(false), Json.Message);

            case CommandTypes.MessagesRegenerate:
                return FrameWriter.Ack(id, await s.Messages.RegenerateAsync(_account, Required(f.ConversationId, "conversationId"), Required(f.MessageId, "messageId"), ct).ConfigureAwait(false), Json.Message);

            case CommandTypes.InboxGet:
                return FrameWriter.Ack(id, await s.Rooms.GetInboxAsync(_account, new InboxQuery { Limit = f.Limit ?? 50, Cursor = f.Cursor }, ct).ConfigureAwait(false), Json.InboxPage);

            case CommandTypes.InboxSubscribe:
                return await SubscribeInboxAsync(id, f.Known, ct).ConfigureAwait(false);

            case CommandTypes.InboxUnsubscribe:
                await UnsubscribeAsync(InboxKey).ConfigureAwait(false);
                return FrameWriter.Ack(id);

            case { } type when type.StartsWith(AssetCommandTypes.Prefix, StringComparison.Ordinal):
                return await ExecuteAssetCommandAsync(f, ct).ConfigureAwait(false);

            default:
                await InvalidAsync(id, ConversationsErrorCode.InvalidArgument.Value, $"Unknown command \"{f.Type}\".").ConfigureAwait(false);
                return null;
        }
    }

    internal static PostMessageRequest ToPostRequest(ClientFrame f) => new()
    {
        Text = f.Text ?? string.Empty,
        Format = f.Format ?? MessageFormat.Plain,
        Attachments = f.Attachments ?? [],
        Data = f.Data,
        ReplyToId = f.ReplyToId,
        ClientMessageId = f.ClientMessageId,
    };

    internal static EditMessageRequest ToEditRequest(ClientFrame f) => new() { Text = f.Text, Format = f.Format, Attachments = f.Attachments, Data = f.Data };

    private static T Required<T>(T? value, string name)
        where T : class =>
        value ?? throw new InvalidArgumentException($"The command needs \"{name}\".");

    private static long Required(long? value, string name) =>
        value ?? throw new InvalidArgumentException($"The command needs \"{name}\".");
}
