namespace Conversations;

/// <summary>Describes a participant to add to a room.</summary>
public sealed class ParticipantSpec
{
    /// <summary>Gets the account identifier.</summary>
    public required string AccountId { get; set; }

    /// <summary>Gets the account kind.</summary>
    /// <value>The default value is <see cref="AccountKind.User"/>.</value>
    public AccountKind Kind { get; set; } = AccountKind.User;

    /// <summary>Gets the role.</summary>
    /// <value>The default value is <see cref="ParticipantRole.Member"/>.</value>
    public ParticipantRole Role { get; set; } = ParticipantRole.Member;

    /// <summary>Gets a value indicating whether an agent participant auto-responds.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AutoRespond { get; set; }

    /// <summary>Gets the display name.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Creates the specification of a user participant.</summary>
    /// <param name="accountId">The user's account identifier.</param>
    /// <param name="role">The role.</param>
    /// <param name="displayName">The display name.</param>
    /// <returns>The specification.</returns>
    public static ParticipantSpec User(string accountId, ParticipantRole role = ParticipantRole.Member, string? displayName = null) =>
        new() { AccountId = accountId, Kind = AccountKind.User, Role = role, DisplayName = displayName };

    /// <summary>Creates the specification of an agent participant.</summary>
    /// <param name="accountId">The agent's account identifier.</param>
    /// <param name="autoRespond">Whether the agent's flow is triggered by new conversations and messages.</param>
    /// <param name="role">The role.</param>
    /// <param name="displayName">The display name.</param>
    /// <returns>The specification.</returns>
    public static ParticipantSpec Agent(string accountId, bool autoRespond = true, ParticipantRole role = ParticipantRole.Member, string? displayName = null) =>
        new() { AccountId = accountId, Kind = AccountKind.Agent, Role = role, AutoRespond = autoRespond, DisplayName = displayName };
}
