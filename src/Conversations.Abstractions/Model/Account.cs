namespace Conversations;

/// <summary>
/// An identity that calls the services: a user, an agent, or the host acting as the system.
/// </summary>
/// <remarks>
/// Every service call names the account it acts for; the services authorize the call against the
/// account's participation in the room. <see cref="System"/> bypasses those checks and is meant for
/// trusted host code only; transports never map a remote caller to it.
/// </remarks>
public sealed class Account : IEquatable<Account>
{
    /// <summary>The identifier used for <see cref="System"/>.</summary>
    public const string SystemId = "system";

    private Account(string id, AccountKind kind)
    {
        Id = id;
        Kind = kind;
    }

    /// <summary>Gets the stable identifier of the account.</summary>
    public string Id { get; }

    /// <summary>Gets the kind of the account.</summary>
    public AccountKind Kind { get; }

    /// <summary>Gets a value indicating whether this is the trusted <see cref="System"/> account.</summary>
    public bool IsSystem => Kind == AccountKind.System;

    /// <summary>Gets the trusted host account, which may do anything in any room.</summary>
    public static Account System { get; } = new(SystemId, AccountKind.System);

    /// <summary>Creates an account for a person.</summary>
    /// <param name="id">The stable identifier of the user.</param>
    /// <returns>The account.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null, empty or white space.</exception>
    public static Account User(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return new Account(id, AccountKind.User);
    }

    /// <summary>Creates an account for an agent (a service account driven by the flow engine).</summary>
    /// <param name="id">The stable identifier of the agent.</param>
    /// <returns>The account.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null, empty or white space.</exception>
    public static Account Agent(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return new Account(id, AccountKind.Agent);
    }

    /// <summary>Creates an account of the given kind.</summary>
    /// <param name="id">The stable identifier.</param>
    /// <param name="kind">The kind; <see cref="AccountKind.System"/> returns <see cref="System"/>.</param>
    /// <returns>The account.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null, empty or white space.</exception>
    public static Account Create(string id, AccountKind kind) => kind switch
    {
        AccountKind.User => User(id),
        AccountKind.Agent => Agent(id),
        AccountKind.System => System,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown account kind."),
    };

    /// <inheritdoc />
    public bool Equals(Account? other) =>
        other is not null && Kind == other.Kind && string.Equals(Id, other.Id, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Account);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(Id));

    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Id}";
}
