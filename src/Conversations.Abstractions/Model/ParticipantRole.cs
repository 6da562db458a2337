namespace Conversations;

/// <summary>What a participant may do in a room.</summary>
public enum ParticipantRole
{
    /// <summary>Reads only: may subscribe and read history, may not post.</summary>
    Observer = 0,

    /// <summary>Reads and posts; edits and deletes its own messages.</summary>
    Member = 1,

    /// <summary>A member who also manages participants and may edit or delete any message.</summary>
    Admin = 2,

    /// <summary>An admin who may also manage other admins and owners.</summary>
    Owner = 3,
}
