namespace Conversations;

/// <summary>Where an asset lives.</summary>
public enum AssetScopeKind
{
    /// <summary>A room's library: its participants read, members upload, admins and owners manage.</summary>
    Room = 0,

    /// <summary>An account's own space: only that account reads and manages it.</summary>
    Account = 1,
}
