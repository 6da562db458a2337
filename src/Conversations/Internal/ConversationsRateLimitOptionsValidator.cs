using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>Checks every rule of <see cref="ConversationsRateLimitOptions"/>: at least one permit, and a window of more than zero up to a day.</summary>
internal sealed class ConversationsRateLimitOptionsValidator : IValidateOptions<ConversationsRateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationsRateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        Check(builder, options.PerAccount, nameof(options.PerAccount));
        Check(builder, options.PerConnection, nameof(options.PerConnection));
        return builder.Build();
    }

    private static void Check(ValidateOptionsResultBuilder builder, RateLimitRules rules, string scope)
    {
        Check(builder, rules.Posts, $"{scope}.{nameof(rules.Posts)}");
        Check(builder, rules.StreamAppends, $"{scope}.{nameof(rules.StreamAppends)}");
        Check(builder, rules.DirectRooms, $"{scope}.{nameof(rules.DirectRooms)}");
        Check(builder, rules.Uploads, $"{scope}.{nameof(rules.Uploads)}");
    }

    private static void Check(ValidateOptionsResultBuilder builder, RateLimitRule? rule, string name)
    {
        if (rule is null)
        {
            return;
        }

        if (rule.PermitLimit is < 1 or > 1_000_000)
        {
            builder.AddError($"Must be between 1 and 1,000,000; it is {rule.PermitLimit}.", name + "." + nameof(rule.PermitLimit));
        }

        if (rule.Window <= TimeSpan.Zero || rule.Window > TimeSpan.FromDays(1))
        {
            builder.AddError($"Must be more than zero and at most one day; it is {rule.Window}.", name + "." + nameof(rule.Window));
        }
    }
}
