namespace Conversations.Transport;

/// <summary>What an <see cref="EventBusItem"/> carries.</summary>
public enum EventBusItemKind
{
    /// <summary>The subscription's buffer overflowed and items were dropped: catch up from the store.</summary>
    Overflow = 0,

    /// <summary>An event.</summary>
    Event = 1,

    /// <summary>A doorbell without its event: a conversation reached a sequence; read its log from the store.</summary>
    CatchUp = 2,
}
