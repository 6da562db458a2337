namespace Conversations;

/// <summary>Changes to a participant. Properties left <see langword="null"/> are not changed.</summary>
public sealed class ParticipantUpdate
{
    /// <summary>Gets the new role.</summary>
    public ParticipantRole? Role { get; set; }

    /// <summary>Gets the new auto-respond flag (agents only).</summary>
    public bool? AutoRespond { get; set; }

    /// <summary>Gets the new display name.</summary>
    public string? DisplayName { get; set; }
}
