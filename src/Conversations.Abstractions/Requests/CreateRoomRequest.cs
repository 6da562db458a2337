namespace Conversations;

/// <summary>What to create a standard room with. A plain settable DTO, so JSON binders keep its defaults.</summary>
public sealed class CreateRoomRequest
{
    /// <summary>Gets the room's display name.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Gets the initial participants. A non-system caller who is not listed joins as <see cref="ParticipantRole.Owner"/>.
    /// </summary>
    public IReadOnlyList<ParticipantSpec> Participants { get; set; } = [];
}
