using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>Reads and writes an <see cref="AssetScope"/> as its text form, <c>room:{id}</c> or <c>account:{id}</c>.</summary>
public sealed class AssetScopeJsonConverter : JsonConverter<AssetScope>
{
    /// <inheritdoc />
    public override AssetScope Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && AssetScope.TryParse(reader.GetString(), out var scope)
            ? scope
            : throw new JsonException("An asset scope is a string \"room:{roomId}\" or \"account:{accountId}\".");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, AssetScope value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
