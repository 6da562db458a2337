using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Conversations.Protocol;

/// <summary>
/// The id strings a connection's event frames repeat — the subscription name, the room and conversation ids, the senders
/// of a busy room — kept so that each frame reuses them instead of decoding a new copy: in a busy room they were a
/// quarter of what reading an event allocates. One connection's frames are read one after another, so an instance is used
/// by one reader at a time.
/// </summary>
/// <remarks>
/// Not thread-safe. A table of <see cref="Sets"/> pairs of strings (2 KiB), each string's pair chosen from its first and
/// last bytes and its length: a lookup is at most two comparisons whatever the number of strings passing, the more
/// recently used of a pair stays when a third string comes, and a string that lost its place is decoded again the next
/// time. Only ASCII strings of up to <see cref="MaxBytes"/> bytes are kept (ids are); others are decoded every time.
/// </remarks>
internal sealed class RecentStrings
{
    private const int SetBits = 7;
    private const int Sets = 1 << SetBits;
    private const int MaxBytes = 96;
    private static readonly System.Text.UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly string?[] _values = new string?[Sets * 2];

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
        if (bytes.IsEmpty || bytes.Length > MaxBytes)
        {
            return Decode(bytes);
        }

        var set = Set(bytes) * 2;
        ref var first = ref _values[set];
        ref var second = ref _values[set + 1];
        if (Is(first, bytes))
        {
            return first!;
        }

        if (Is(second, bytes))
        {
            (first, second) = (second, first);
            return first!;
        }

        var value = Decode(bytes);
        if (value.Length == bytes.Length)
        {
            // As many characters as bytes: ASCII, so the comparison finds it again. The pair's older string makes way.
            second = first;
            first = value;
        }

        return value;
    }

    /// <summary>Decodes UTF-8 bytes that must be valid (as a JSON reader requires of a string).</summary>
    /// <exception cref="System.Text.DecoderFallbackException">The bytes are not UTF-8.</exception>
    public static string Decode(ReadOnlySpan<byte> bytes) => Strict.GetString(bytes);

    /// <summary>Whether a kept string is these bytes: only when both are the same ASCII text, so it is never mistaken for other bytes.</summary>
    private static bool Is(string? known, ReadOnlySpan<byte> bytes) => known is not null && known.Length == bytes.Length && Ascii.Equals(bytes, known);

    /// <summary>A pair from the first and last (up to) eight bytes and the length: ids that share a prefix differ at the end.</summary>
    private static int Set(ReadOnlySpan<byte> bytes)
    {
        ulong head = 0;
        ulong tail = 0;
        if (bytes.Length >= sizeof(ulong))
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(bytes[^sizeof(ulong)..]);
        }
        else
        {
            foreach (var b in bytes)
            {
                head = (head << 8) | b;
            }
        }

        var mixed = (head ^ BitOperations.RotateLeft(tail, 29) ^ (ulong)bytes.Length) * 0x9E3779B97F4A7C15;
        return (int)(mixed >> (64 - SetBits));
    }
}
