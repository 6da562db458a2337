namespace Conversations.Client;

/// <summary>The connection state of a <see cref="ConversationsClient"/>.</summary>
public enum ConversationsClientState
{
    /// <summary>Not connected yet; call <see cref="ConversationsClient.ConnectAsync(CancellationToken)"/>.</summary>
    Disconnected = 0,

    /// <summary>Opening the first connection.</summary>
    Connecting = 1,

    /// <summary>Connected.</summary>
    Connected = 2,

    /// <summary>The connection was lost; commands wait while the client reconnects and resumes its subscriptions.</summary>
    Reconnecting = 3,

    /// <summary>Disposed, or the reconnect policy gave up. Commands fail.</summary>
    Closed = 4,
}
