using System.Diagnostics;
using System.Globalization;

namespace Conversations.Benchmarks;

/// <summary>The message text (send timestamp plus padding to 128 characters) and an event frame shaped like the protocol's.</summary>
internal static class Payload
{
    private static readonly string Padding = new('x', 128 - 23);

    public static string Text() => "ts=" + Stopwatch.GetTimestamp().ToString("D19", CultureInfo.InvariantCulture) + ";" + Padding;

    /// <summary>A frame of the same shape and size as a <c>conversation.message_posted</c> event frame.</summary>
    public static string Frame(string text, long sequence)
    {
        var s = sequence.ToString(CultureInfo.InvariantCulture);
        return "{\"type\":\"event\",\"event\":{\"type\":\"conversation.message_posted\",\"roomId\":\"0123456789abcdef0123456789abcdef\",\"conversationId\":\"0123456789abcdef0123456789abcdef\",\"actorId\":\"sender\",\"timestamp\":\"2026-11-25T07:00:00+00:00\",\"sequence\":"
            + s + ",\"message\":{\"id\":\"0123456789abcdef0123456789abcdef\",\"roomId\":\"0123456789abcdef0123456789abcdef\",\"conversationId\":\"0123456789abcdef0123456789abcdef\",\"sequence\":"
            + s + ",\"lastSequence\":" + s + ",\"senderId\":\"sender\",\"senderKind\":\"user\",\"text\":\"" + text
            + "\",\"format\":\"plain\",\"attachments\":[],\"status\":\"complete\",\"createdAt\":\"2026-11-25T07:00:00+00:00\",\"isDeleted\":false},\"chainDepth\":0}}";
    }
}
