namespace Conversations.Storage;

/// <summary>How a leased trigger ends its attempt.</summary>
public enum TriggerOutcome
{
    /// <summary>The run finished: the trigger is done and the lane moves on.</summary>
    Done = 0,

    /// <summary>The attempt failed: the lease is released and the trigger is due again at <see cref="TriggerCompletion.NextAttemptAt"/>.</summary>
    Retry = 1,

    /// <summary>The last allowed attempt failed: the trigger is dead and the lane moves on.</summary>
    Dead = 2,

    /// <summary>The attempt was abandoned (the host is stopping): the lease is released, and the attempt is not counted.</summary>
    Release = 3,
}
