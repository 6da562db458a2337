namespace Conversations.Storage;

/// <summary>Where a durable flow trigger stands.</summary>
public enum FlowTriggerStatus
{
    /// <summary>The agent still owes a run: waiting, leased by a dispatcher, or waiting to be retried.</summary>
    Pending = 0,

    /// <summary>A run finished (or the trigger no longer applies); nothing more is owed.</summary>
    Done = 1,

    /// <summary>Every allowed attempt failed; the failure was reported and the lane moved on.</summary>
    Dead = 2,
}
