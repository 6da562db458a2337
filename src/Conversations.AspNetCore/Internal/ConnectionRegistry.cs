using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>Tracks the open connections of one endpoint so that shutdown can close them with a going-away status.</summary>
internal sealed class ConnectionRegistry(ILogger logger)
{
    private readonly ConcurrentDictionary<ConversationsConnection, byte> _connections = new();
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    public void Add(ConversationsConnection connection)
    {
        _connections.TryAdd(connection, 0);
        if (_stopping)
        {
            connection.RequestClose(Protocol.ProtocolConstants.CloseStatusGoingAway, "server shutting down");
        }
    }

    public void Remove(ConversationsConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>Returns the send-queue depth of each open connection.</summary>
    public IEnumerable<long> QueueDepths() => _connections.Keys.Select(static c => (long)c.QueuedFrames);

    public void CloseAll()
    {
        _stopping = true;
        Log.ShuttingDown(logger, _connections.Count);
        foreach (var connection in _connections.Keys)
        {
            connection.RequestClose(Protocol.ProtocolConstants.CloseStatusGoingAway, "server shutting down");
        }
    }
}
