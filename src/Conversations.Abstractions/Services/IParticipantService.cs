namespace Conversations;

/// <summary>Manages a room's participants.</summary>
/// <remarks>
/// Implementations are thread-safe. Owners and admins add, update and remove participants; only owners
/// touch other owners and admins, and any participant may remove itself. Direct rooms refuse every change.
/// </remarks>
public interface IParticipantService
{
    /// <summary>Adds a participant to a standard room.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="participant">The participant to add.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The new participant.</returns>
    /// <exception cref="ConflictException">The account is already a participant, or the room is a direct room.</exception>
    /// <exception cref="ForbiddenException">The caller may not add participants.</exception>
    Task<Participant> AddAsync(Account caller, string roomId, ParticipantSpec participant, CancellationToken cancellationToken = default);

    /// <summary>Changes a participant's role, auto-respond flag or display name.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="accountId">The participant to change.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The participant after the change.</returns>
    Task<Participant> UpdateAsync(Account caller, string roomId, string accountId, ParticipantUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Removes a participant from a standard room.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="accountId">The participant to remove.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the participant is removed.</returns>
    Task RemoveAsync(Account caller, string roomId, string accountId, CancellationToken cancellationToken = default);

    /// <summary>Lists a room's participants, in the order they joined.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The participants.</returns>
    Task<IReadOnlyList<Participant>> ListAsync(Account caller, string roomId, CancellationToken cancellationToken = default);
}
