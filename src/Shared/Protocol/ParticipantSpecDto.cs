namespace Conversations.Protocol;

/// <summary>
/// A participant as the wire carries it. <see cref="ParticipantSpec"/> itself is not bound from JSON: generated metadata for
/// init-only properties resets absent ones to their type's default, which would turn a missing role into observer.
/// </summary>
internal sealed class ParticipantSpecDto
{
    public string? AccountId { get; set; }

    public AccountKind? Kind { get; set; }

    public ParticipantRole? Role { get; set; }

    public bool? AutoRespond { get; set; }

    public string? DisplayName { get; set; }

    public static ParticipantSpecDto From(ParticipantSpec spec) => new()
    {
        AccountId = spec.AccountId,
        Kind = spec.Kind,
        Role = spec.Role,
        AutoRespond = spec.AutoRespond,
        DisplayName = spec.DisplayName,
    };

    public static IReadOnlyList<ParticipantSpecDto> From(IReadOnlyList<ParticipantSpec> specs) => [.. specs.Select(From)];

    public ParticipantSpec ToSpec() => new()
    {
        AccountId = string.IsNullOrWhiteSpace(AccountId) ? throw new InvalidArgumentException("A participant needs an \"accountId\".") : AccountId,
        Kind = Kind ?? AccountKind.User,
        Role = Role ?? ParticipantRole.Member,
        AutoRespond = AutoRespond ?? false,
        DisplayName = DisplayName,
    };

    public static IReadOnlyList<ParticipantSpec> ToSpecs(IReadOnlyList<ParticipantSpecDto>? specs) =>
        specs is null ? [] : [.. specs.Select(s => s?.ToSpec() ?? throw new InvalidArgumentException("A participant cannot be null."))];
}
