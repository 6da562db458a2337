using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conversations.Protocol;

/// <summary>Writes enums in lower snake case (<c>markdown</c>, <c>owner</c>), reads them in any case.</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
internal sealed class SnakeCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public SnakeCaseEnumConverter()
        : base(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    {
    }
}

/// <summary>The source-generated serializers of the wire protocol, shared by the server and the client.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters =
    [
        typeof(SnakeCaseEnumConverter<AccountKind>),
        typeof(SnakeCaseEnumConverter<RoomKind>),
        typeof(SnakeCaseEnumConverter<ParticipantRole>),
        typeof(SnakeCaseEnumConverter<MessageFormat>),
        typeof(SnakeCaseEnumConverter<MessageStatus>),
        typeof(SnakeCaseEnumConverter<AssetStatus>),
    ])]
[JsonSerializable(typeof(ClientFrame))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(ConversationEvent))]
[JsonSerializable(typeof(Room))]
[JsonSerializable(typeof(IReadOnlyList<Room>))]
[JsonSerializable(typeof(Participant))]
[JsonSerializable(typeof(IReadOnlyList<Participant>))]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(IReadOnlyList<Conversation>))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(ReadMarker))]
[JsonSerializable(typeof(IReadOnlyList<ReadMarker>))]
[JsonSerializable(typeof(ParticipantSpecDto))]
[JsonSerializable(typeof(ParticipantUpdate))]
[JsonSerializable(typeof(InboxEvent))]
[JsonSerializable(typeof(InboxPage))]
[JsonSerializable(typeof(InboxSubscribeResult))]
[JsonSerializable(typeof(Asset))]
[JsonSerializable(typeof(AssetFolder))]
[JsonSerializable(typeof(AssetListing))]
[JsonSerializable(typeof(AssetDownload))]
[JsonSerializable(typeof(UploadTicket))]
[JsonSerializable(typeof(AssetDeleteResult))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext
{
}
