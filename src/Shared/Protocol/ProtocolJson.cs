using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Conversations.Protocol;

/// <summary>
/// The protocol's serializers: <see cref="ProtocolJsonContext"/> plus one fix-up. Event classes override their
/// <c>[JsonIgnore]</c> <c>Type</c> property without repeating the attribute, so the generated metadata would write a second
/// <c>type</c> beside the polymorphic discriminator; the modifier drops it (the discriminator carries the same name).
/// </summary>
internal sealed partial class ProtocolJson
{
    private ProtocolJson()
    {
        var context = ProtocolJsonContext.Default;
        Options = new JsonSerializerOptions(context.Options)
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
        Options.MakeReadOnly();
    }

    public static ProtocolJson Default { get; } = new();

    public JsonSerializerOptions Options { get; }

    public JsonTypeInfo<ClientFrame> ClientFrame => field ??= Get<ClientFrame>();

    public JsonTypeInfo<ServerFrame> ServerFrame => field ??= Get<ServerFrame>();

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
}
