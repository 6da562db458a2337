namespace Conversations.Storage;

/// <summary>What a store's health probe (<see cref="ConversationStore.ProbeAsync"/>) proved.</summary>
public enum StoreProbeResult
{
    /// <summary>The store answered a read; whether it can take a write was not checked.</summary>
    Readable,

    /// <summary>The store answered and showed it can take a write now (without anything being written).</summary>
    Writable,
}
