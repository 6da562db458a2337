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
        var generated = new JsonSerializerOptions(context.Options)
        {
            TypeInfoResolver = context.WithAddedModifier(static info =>
            {
                if (info.Kind == JsonTypeInfoKind.Object && (typeof(ConversationEvent).IsAssignableFrom(info.Type) || typeof(InboxEvent).IsAssignableFrom(info.Type)))
                {
                    for (var i = info.Properties.Count - 1; i >= 0; i--)
                    {
                        if (info.Properties[i].Name == "type")
                        {
                            info.Properties.RemoveAt(i);
                        }
                    }
                }
            }),
        };
        generated.MakeReadOnly();

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
