using System.Text.Json.Serialization;

namespace Conversations.Sqlite.Internal;

[JsonSerializable(typeof(Attachment[]))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class SqliteJsonContext : JsonSerializerContext
{
}
