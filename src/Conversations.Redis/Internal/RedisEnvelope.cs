using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conversations.Redis.Internal;

/// <summary>What travels on a channel: an event whole, or a doorbell for a log event too large to carry.</summary>
internal sealed class RedisEnvelope
{
    [JsonPropertyName("e")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConversationEvent? Event { get; init; }

    [JsonPropertyName("r")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RoomId { get; init; }

    [JsonPropertyName("c")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ConversationId { get; init; }

    [JsonPropertyName("s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Sequence { get; init; }
}

[JsonSerializable(typeof(RedisEnvelope))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class RedisJsonContext : JsonSerializerContext
{
}
