using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Conversations.AI.Internal;

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ConversationsAIJsonContext : JsonSerializerContext;
