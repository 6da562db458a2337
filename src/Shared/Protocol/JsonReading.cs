using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Conversations.Protocol;

/// <summary>The small steps the hand-written protocol readers share.</summary>
internal static class JsonReading
{
    /// <summary>Reads a value with the contract the options hold for its type (enums, lists).</summary>
    public static T ReadValue<T>(ref Utf8JsonReader reader, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null && default(T) is null
            ? default!
            : JsonSerializer.Deserialize(ref reader, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)))!;

    /// <summary>The current property name, unescaped (names are compared as UTF-8 bytes).</summary>
    public static ReadOnlySpan<byte> Name(ref Utf8JsonReader reader) =>
        reader.HasValueSequence || reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;

    /// <summary>Throws unless the reader stands on the given token.</summary>
    public static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"Expected {token} but found {reader.TokenType} at byte {reader.TokenStartIndex}.");
        }
    }

    /// <summary>The value of a required property, or a <see cref="JsonException"/> naming it when it was absent.</summary>
    public static T Required<T>(T? value, string name)
        where T : class => value ?? throw new JsonException($"The required property '{name}' is missing.");

    /// <summary>The value of a required property, or a <see cref="JsonException"/> naming it when it was absent.</summary>
    public static T Required<T>(T? value, string name)
        where T : struct => value ?? throw new JsonException($"The required property '{name}' is missing.");
}
