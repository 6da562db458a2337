using System.Text.Json;

namespace Conversations.Protocol;

/// <summary>
/// The few id strings a connection's event frames repeat — the subscription name, the room and conversation ids — kept
/// so that each frame reuses them instead of decoding a new copy: in a busy room they were a quarter of what reading an
/// event allocates. One connection's frames are read one after another, so an instance is used by one reader at a time.
/// </summary>
/// <remarks>Not thread-safe. Holds at most <see cref="Capacity"/> short strings; older ones make way for new ones.</remarks>
internal sealed class RecentStrings
{
    private const int Capacity = 8;
    private const int MaxBytes = 96;
    private static readonly System.Text.UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[][] _utf8 = new byte[Capacity][];
    private readonly string[] _values = new string[Capacity];
    private int _next;

    /// <summary>Reads the current string value (or <see langword="null"/>), reusing a recent equal string.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string (the reader's own error).</exception>
    public string? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxBytes)
        {
            return reader.GetString();
        }

        return Read(reader.ValueSpan);
    }

    /// <summary>Decodes UTF-8 bytes, reusing a recent equal string.</summary>
    /// <exception cref="System.Text.DecoderFallbackException">The bytes are not UTF-8.</exception>
    public string Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            return Decode(bytes);
        }

        for (var i = 0; i < Capacity; i++)
        {
            if (_utf8[i] is { } known && bytes.SequenceEqual(known))
            {
                return _values[i];
            }
        }

        var value = Decode(bytes);
        _utf8[_next] = bytes.ToArray();
        _values[_next] = value;
        _next = (_next + 1) % Capacity;
        return value;
    }

    /// <summary>Decodes UTF-8 bytes that must be valid (as a JSON reader requires of a string).</summary>
    /// <exception cref="System.Text.DecoderFallbackException">The bytes are not UTF-8.</exception>
    public static string Decode(ReadOnlySpan<byte> bytes) => Strict.GetString(bytes);
}
