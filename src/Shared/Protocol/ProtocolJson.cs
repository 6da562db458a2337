using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Conversations.Protocol;

/// <summary>
/// The protocol's serializers: <see cref="ProtocolJsonContext"/> plus one fix-up. Event classes override their
/// <c>[JsonIgnore]</c> <c>Type</c> property without repeating the attribute, so the generated metadata would write a second
/// <c>type</c> beside the polymorphic discriminator; the modifier drops it (the discriminator carries the same name).
/// Messages, posted messages and deltas are read by hand-written converters over that contract.
/// </summary>
internal sealed partial class ProtocolJson
{
    private ProtocolJson()
    {
        var context = ProtocolJsonContext.Default;
        var generated = new JsonSerializerOptions(context.Options) { TypeInfoResolver = context.WithAddedModifier(DropSecondType) };
        generated.MakeReadOnly();

        var eventFrames = new JsonSerializerOptions(context.Options) { TypeInfoResolver = context.WithAddedModifier(DropSecondType).WithAddedModifier(LeaveOutRepeats) };
        eventFrames.MakeReadOnly();
        EventFrame = (JsonTypeInfo<ConversationEvent>)eventFrames.GetTypeInfo(typeof(ConversationEvent));

        // Messages and the busiest events are read by hand (see the converters); everything is written by the generated
        // contract, which the converters fall back to for anything they do not read themselves.
        var withMessages = new JsonSerializerOptions(generated);
        var messages = new MessageJsonConverter((JsonTypeInfo<Message>)generated.GetTypeInfo(typeof(Message)));
        withMessages.Converters.Add(messages);
        withMessages.MakeReadOnly();
        var events = EventReader = new ConversationEventJsonConverter((JsonTypeInfo<ConversationEvent>)withMessages.GetTypeInfo(typeof(ConversationEvent)), messages);
        var resolver = withMessages.TypeInfoResolver!;
        Options = new JsonSerializerOptions(withMessages)
        {
            // The event base carries polymorphism attributes, which a converter in the options' list may not be combined
            // with: its contract is replaced outright.
            TypeInfoResolver = JsonTypeInfoResolver.Combine(new EventResolver(events), resolver),
        };
        Options.MakeReadOnly();
    }

    public static ProtocolJson Default { get; } = new();

    public JsonSerializerOptions Options { get; }

    /// <summary>Reads a conversation event from where a reader stands (what <see cref="ConversationEvent"/> does, minus the serializer's set-up).</summary>
    public ConversationEventJsonConverter EventReader { get; }

    /// <summary>
    /// Writes an event as event frames carry it: a message event's message without what the event already says (see
    /// <see cref="LeaveOutRepeats"/>). Read back with <see cref="EventReader"/>, which fills those values in again.
    /// </summary>
    public JsonTypeInfo<ConversationEvent> EventFrame { get; }

    public JsonTypeInfo<ClientFrame> ClientFrame => field ??= Get<ClientFrame>();

    public JsonTypeInfo<ProblemBody> ProblemBody => field ??= Get<ProblemBody>();

    public JsonTypeInfo<ConversationEvent> ConversationEvent => field ??= Get<ConversationEvent>();

    public JsonTypeInfo<Room> Room => field ??= Get<Room>();

    public JsonTypeInfo<IReadOnlyList<Room>> IReadOnlyListRoom => field ??= Get<IReadOnlyList<Room>>();

    public JsonTypeInfo<Participant> Participant => field ??= Get<Participant>();

    public JsonTypeInfo<IReadOnlyList<Participant>> IReadOnlyListParticipant => field ??= Get<IReadOnlyList<Participant>>();

    public JsonTypeInfo<Conversation> Conversation => field ??= Get<Conversation>();

    public JsonTypeInfo<IReadOnlyList<Conversation>> IReadOnlyListConversation => field ??= Get<IReadOnlyList<Conversation>>();

    public JsonTypeInfo<Message> Message => field ??= Get<Message>();

    public JsonTypeInfo<MessagePage> MessagePage => field ??= Get<MessagePage>();

    public JsonTypeInfo<ReadMarker> ReadMarker => field ??= Get<ReadMarker>();

    public JsonTypeInfo<IReadOnlyList<ReadMarker>> IReadOnlyListReadMarker => field ??= Get<IReadOnlyList<ReadMarker>>();

    public JsonTypeInfo<ParticipantSpecDto> ParticipantSpecDto => field ??= Get<ParticipantSpecDto>();

    public JsonTypeInfo<ParticipantUpdate> ParticipantUpdate => field ??= Get<ParticipantUpdate>();

    public JsonTypeInfo<InboxEvent> InboxEvent => field ??= Get<InboxEvent>();

    public JsonTypeInfo<InboxPage> InboxPage => field ??= Get<InboxPage>();

    public JsonTypeInfo<InboxSubscribeResult> InboxSubscribeResult => field ??= Get<InboxSubscribeResult>();

    private JsonTypeInfo<T> Get<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    /// <summary>Events name their type once, as the polymorphic discriminator (see the class summary).</summary>
    private static void DropSecondType(JsonTypeInfo info)
    {
        if (info.Kind == JsonTypeInfoKind.Object && (typeof(ConversationEvent).IsAssignableFrom(info.Type) || typeof(InboxEvent).IsAssignableFrom(info.Type)))
        {
            Remove(info, "type");
        }
    }

    /// <summary>
    /// A message event repeats most of what its message says, and a room's busiest frames are message events. In event
    /// frames the message leaves out <c>roomId</c> and <c>conversationId</c> (the event's), <c>lastSequence</c> when it
    /// equals its <c>sequence</c>, <c>status</c> when <c>complete</c> and <c>attachments</c> when empty; the event leaves
    /// out <c>actorId</c> when it is the message's <c>senderId</c> and <c>timestamp</c> when it is the message's
    /// <c>createdAt</c>. The protocol document lists the same rules for other readers.
    /// </summary>
    private static void LeaveOutRepeats(JsonTypeInfo info)
    {
        if (info.Type == typeof(Message))
        {
            Remove(info, "roomId");
            Remove(info, "conversationId");
            When(info, "lastSequence", static (message, _) => ((Message)message).LastSequence != ((Message)message).Sequence);
            When(info, "status", static (_, status) => (MessageStatus)status! != MessageStatus.Complete);
            When(info, "attachments", static (_, attachments) => attachments is IReadOnlyList<Attachment> { Count: > 0 });
        }
        else if (info.Kind == JsonTypeInfoKind.Object && typeof(MessageLogEvent).IsAssignableFrom(info.Type))
        {
            When(info, "actorId", static (e, _) => !string.Equals(((MessageLogEvent)e).ActorId, ((MessageLogEvent)e).Message.SenderId, StringComparison.Ordinal));
            When(info, "timestamp", static (e, _) => !((MessageLogEvent)e).Timestamp.EqualsExact(((MessageLogEvent)e).Message.CreatedAt));
        }
    }

    private static void Remove(JsonTypeInfo info, string name)
    {
        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i].Name == name)
            {
                info.Properties.RemoveAt(i);
            }
        }
    }

    private static void When(JsonTypeInfo info, string name, Func<object, object?, bool> write)
    {
        foreach (var property in info.Properties)
        {
            if (property.Name == name)
            {
                property.ShouldSerialize = write;
                return;
            }
        }

        throw new InvalidOperationException($"{info.Type.Name} has no \"{name}\" property to leave out.");
    }

    private sealed class EventResolver(ConversationEventJsonConverter converter) : IJsonTypeInfoResolver
    {
        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
        {
            if (type != typeof(ConversationEvent))
            {
                return null;
            }

            var info = JsonMetadataServices.CreateValueInfo<ConversationEvent>(options, converter);
            info.PolymorphismOptions = null;
            return info;
        }
    }
}
