using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>
/// The space an asset or folder belongs to: a room's library (<c>room:{roomId}</c>) or an account's own space
/// (<c>account:{accountId}</c>). Written as that text on the wire.
/// </summary>
[JsonConverter(typeof(AssetScopeJsonConverter))]
public readonly struct AssetScope : IEquatable<AssetScope>
{
    private const string RoomPrefix = "room:";
    private const string AccountPrefix = "account:";

    private AssetScope(AssetScopeKind kind, string id)
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>Gets the kind of space.</summary>
    public AssetScopeKind Kind { get; }

    /// <summary>Gets the room or account identifier.</summary>
    public string Id => field ?? string.Empty;

    /// <summary>Gets a value indicating whether this is the default value, which names no space.</summary>
    public bool IsEmpty => Id.Length == 0;

    /// <summary>Names a room's library.</summary>
    /// <param name="roomId">The room.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentException"><paramref name="roomId"/> is null, empty or white space.</exception>
    public static AssetScope Room(string roomId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roomId);
        return new AssetScope(AssetScopeKind.Room, roomId);
    }

    /// <summary>Names an account's own space.</summary>
    /// <param name="accountId">The account.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentException"><paramref name="accountId"/> is null, empty or white space.</exception>
    public static AssetScope Account(string accountId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        return new AssetScope(AssetScopeKind.Account, accountId);
    }

    /// <summary>Reads <c>room:{id}</c> or <c>account:{id}</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="scope">The scope read.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a scope.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out AssetScope scope)
    {
        scope = default;
        if (text is null)
        {
            return false;
        }

        if (text.StartsWith(RoomPrefix, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(text[RoomPrefix.Length..]))
        {
            scope = new AssetScope(AssetScopeKind.Room, text[RoomPrefix.Length..]);
            return true;
        }

        if (text.StartsWith(AccountPrefix, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(text[AccountPrefix.Length..]))
        {
            scope = new AssetScope(AssetScopeKind.Account, text[AccountPrefix.Length..]);
            return true;
        }

        return false;
    }

    /// <summary>Reads <c>room:{id}</c> or <c>account:{id}</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="InvalidArgumentException"><paramref name="text"/> is not a scope.</exception>
    public static AssetScope Parse(string? text) =>
        TryParse(text, out var scope) ? scope : throw new InvalidArgumentException($"'{text}' is not an asset scope; use \"room:{{roomId}}\" or \"account:{{accountId}}\".");

    /// <summary>Compares two scopes.</summary>
    /// <param name="left">The first scope.</param>
    /// <param name="right">The second scope.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(AssetScope left, AssetScope right) => left.Equals(right);

    /// <summary>Compares two scopes.</summary>
    /// <param name="left">The first scope.</param>
    /// <param name="right">The second scope.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(AssetScope left, AssetScope right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(AssetScope other) => Kind == other.Kind && string.Equals(Id, other.Id, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AssetScope other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(Id));

    /// <inheritdoc />
    public override string ToString() => (Kind == AssetScopeKind.Room ? RoomPrefix : AccountPrefix) + Id;
}
