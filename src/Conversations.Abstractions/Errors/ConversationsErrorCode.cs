namespace Conversations;

/// <summary>
/// A stable, machine-readable error code. The same codes are used in-process (on
/// <see cref="ConversationsException.Code"/>) and over the wire (error frames, problem details).
/// </summary>
public readonly struct ConversationsErrorCode : IEquatable<ConversationsErrorCode>
{
    /// <summary>The room, conversation, message or participant does not exist (or the caller may not know it does).</summary>
    public static ConversationsErrorCode NotFound { get; } = new("not_found");

    /// <summary>The caller is known but not allowed to do this.</summary>
    public static ConversationsErrorCode Forbidden { get; } = new("forbidden");

    /// <summary>The caller is not authenticated.</summary>
    public static ConversationsErrorCode Unauthenticated { get; } = new("unauthenticated");

    /// <summary>The request conflicts with the current state (an existing participant, a closed stream, a fixed direct room).</summary>
    public static ConversationsErrorCode Conflict { get; } = new("conflict");

    /// <summary>The request is malformed: a missing or badly formed identifier, an unknown value, malformed data.</summary>
    public static ConversationsErrorCode InvalidArgument { get; } = new("invalid_argument");

    /// <summary>The request exceeds a configured limit (text length, attachments, data size, frame size).</summary>
    public static ConversationsErrorCode LimitExceeded { get; } = new("limit_exceeded");

    /// <summary>The service cannot serve the request now (shutting down, store unavailable); a retry may succeed.</summary>
    public static ConversationsErrorCode Unavailable { get; } = new("unavailable");

    /// <summary>An unexpected failure.</summary>
    public static ConversationsErrorCode Internal { get; } = new("internal");

    /// <summary>Initializes a new instance of the <see cref="ConversationsErrorCode"/> struct.</summary>
    /// <param name="value">The code, in lower snake case.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null, empty or white space.</exception>
    public ConversationsErrorCode(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
    }

    /// <summary>Gets the code's text.</summary>
    public string Value => field ?? "internal";

    /// <summary>Compares two codes.</summary>
    /// <param name="left">The first code.</param>
    /// <param name="right">The second code.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ConversationsErrorCode left, ConversationsErrorCode right) => left.Equals(right);

    /// <summary>Compares two codes.</summary>
    /// <param name="left">The first code.</param>
    /// <param name="right">The second code.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(ConversationsErrorCode left, ConversationsErrorCode right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(ConversationsErrorCode other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ConversationsErrorCode other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
