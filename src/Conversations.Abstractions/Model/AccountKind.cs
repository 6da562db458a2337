namespace Conversations;

/// <summary>The kind of an <see cref="Account"/>.</summary>
public enum AccountKind
{
    /// <summary>A person.</summary>
    User = 0,

    /// <summary>A service account run by the host's flow engine (an AI agent, a bot).</summary>
    Agent = 1,

    /// <summary>The host itself acting with full rights. Never a room participant.</summary>
    System = 2,
}
