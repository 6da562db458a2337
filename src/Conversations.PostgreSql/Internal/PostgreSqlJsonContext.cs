using System.Text.Json.Serialization;

namespace Conversations.PostgreSql.Internal;

[JsonSerializable(typeof(Attachment[]))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class PostgreSqlJsonContext : JsonSerializerContext
{
}
