using System.Text.Json.Serialization;

namespace Conversations.Sqlite.Internal;

[JsonSerializable(typeof(Attachment[]))]
[JsonSerializable(typeof(string[]))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class SqliteJsonContext : JsonSerializerContext
{
}
