using Microsoft.Extensions.Options;

namespace Conversations.Redis.Internal;

[OptionsValidator]
internal sealed partial class RedisEventBusOptionsValidator : IValidateOptions<RedisEventBusOptions>
{
    /// <summary>Checks the options, including what the data annotations cannot express; throws when they are not valid.</summary>
    public static void ThrowIfInvalid(RedisEventBusOptions options)
    {
        var failures = new List<string>();
        foreach (var result in new[] { new RedisEventBusOptionsValidator().Validate(Options.DefaultName, options), new RedisEventBusTimingValidator().Validate(Options.DefaultName, options) })
        {
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(RedisEventBusOptions), failures);
        }
    }
}

/// <summary>Checks what the data annotations cannot express without reflection.</summary>
internal sealed class RedisEventBusTimingValidator : IValidateOptions<RedisEventBusOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisEventBusOptions options)
    {
        var failures = new List<string>();
        if (options.ReorderWindow < TimeSpan.Zero || options.ReorderWindow > TimeSpan.FromSeconds(10))
        {
            failures.Add($"ReorderWindow must be between 0 and 10 seconds; it is {options.ReorderWindow}.");
        }

        if (options.CatchUpInterval < TimeSpan.FromMilliseconds(50) || options.CatchUpInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"CatchUpInterval must be between 50 milliseconds and 1 hour; it is {options.CatchUpInterval}.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
