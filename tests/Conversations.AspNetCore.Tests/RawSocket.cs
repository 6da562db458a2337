using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Conversations.AspNetCore.Tests;

/// <summary>Helpers to speak the protocol by hand over a <see cref="ClientWebSocket"/>.</summary>
internal static class RawSocket
{
    public static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    public static Task SendTextAsync(this WebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<WebSocket, Queue<JsonElement>> s_pending = new();

    /// <summary>Reads the next frame (a message may carry several, one per line); null when the server closed the connection.</summary>
    public static async Task<JsonElement?> ReceiveFrameAsync(this WebSocket socket)
    {
        var pending = s_pending.GetOrCreateValue(socket);
        if (pending.Count == 0)
        {
            if (await socket.ReceiveMessageAsync() is not { } frames)
            {
                return null;
            }

            foreach (var frame in frames)
            {
                pending.Enqueue(frame);
            }
        }

        return pending.Dequeue();
    }

    /// <summary>
    /// Reads the frames of the next WebSocket message; null when the server closed the connection. Frames left over from a
    /// message that <see cref="ReceiveFrameAsync"/> read are returned first, as the rest of that message.
    /// </summary>
    public static async Task<IReadOnlyList<JsonElement>?> ReceiveMessageAsync(this WebSocket socket)
    {
        if (s_pending.TryGetValue(socket, out var pending) && pending.Count > 0)
        {
            var rest = pending.ToList();
            pending.Clear();
            return rest;
        }

        var (type, bytes) = await socket.ReceiveRawAsync();
        return type == WebSocketMessageType.Close
            ? null
            : [.. Encoding.UTF8.GetString(bytes).Split('\n').Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    /// <summary>Reads the next whole WebSocket message as it came: its type (text, binary or close) and its bytes.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveRawAsync(this WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Safety);
        var buffer = new byte[64 * 1024];
        using var stream = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            stream.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return (result.MessageType, stream.ToArray());
    }

    /// <summary>Reads frames until one of the given type (and id, when given) arrives.</summary>
    public static async Task<JsonElement> ReceiveUntilAsync(this WebSocket socket, string type, string? id = null)
    {
        while (true)
        {
            var frame = await socket.ReceiveFrameAsync() ?? throw new InvalidOperationException("The server closed the connection.");
            if (frame.GetProperty("type").GetString() == type && (id is null || (frame.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String && i.GetString() == id)))
            {
                return frame;
            }
        }
    }

    public static async Task<JsonElement> WelcomeAsync(this WebSocket socket) => await socket.ReceiveUntilAsync("welcome");

    /// <summary>Sends a command and returns its answer (ack or error), skipping events.</summary>
    public static async Task<JsonElement> CommandAsync(this WebSocket socket, string json, string id)
    {
        await socket.SendTextAsync(json);
        while (true)
        {
            var frame = await socket.ReceiveFrameAsync() ?? throw new InvalidOperationException("The server closed the connection.");
            var type = frame.GetProperty("type").GetString();
            if ((type is "ack" or "error") && frame.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String && i.GetString() == id)
            {
                return frame;
            }
        }
    }

    public static string Code(this JsonElement frame) => frame.GetProperty("code").GetString()!;

    public static string Type(this JsonElement frame) => frame.GetProperty("type").GetString()!;
}
