namespace Conversations;

/// <summary>An account's membership in a room.</summary>
public sealed class Participant
{
    /// <summary>Gets the room the participant belongs to.</summary>
    public required string RoomId { get; init; }

    /// <summary>Gets the participant's account identifier.</summary>
    public required string AccountId { get; init; }

    /// <summary>Gets the participant's account kind (<see cref="AccountKind.User"/> or <see cref="AccountKind.Agent"/>).</summary>
    public required AccountKind Kind { get; init; }

    /// <summary>Gets the participant's role.</summary>
    public required ParticipantRole Role { get; init; }

    /// <summary>
    /// Gets a value indicating whether the participant's flow is triggered when conversations are created
    /// and messages are posted in the room. Only agents can auto-respond.
    /// </summary>
    public bool AutoRespond { get; init; }

    /// <summary>Gets the participant's display name, if one was given.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets when the participant joined the room.</summary>
    public required DateTimeOffset JoinedAt { get; init; }

    /// <summary>Gets the participant as an <see cref="Account"/>.</summary>
    /// <returns>The account.</returns>
    public Account ToAccount() => Account.Create(AccountId, Kind);
}
