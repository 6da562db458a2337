using System.Net.WebSockets;
using System.Text.Json;

namespace Conversations.Client.Internal;

/// <summary>A command waiting for its answer. <see cref="SentOn"/> is only read and written under the client's send lock.</summary>
internal sealed class PendingRequest(byte[] payload, bool retryable)
{
    public byte[] Payload { get; } = payload;

    /// <summary>Gets a value indicating whether the command may be sent again after a reconnect (its effect is idempotent).</summary>
    public bool Retryable { get; } = retryable;

    public WebSocket? SentOn { get; set; }

    /// <summary>Gets or sets what to do on the receive loop when the ack arrives, before any later frame is read.</summary>
    public Action? OnAcknowledged { get; init; }

    public TaskCompletionSource<JsonElement?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
