using Microsoft.Extensions.Options;

namespace Conversations.PostgreSql.Internal;

[OptionsValidator]
internal sealed partial class PostgreSqlStoreOptionsValidator : IValidateOptions<PostgreSqlStoreOptions>
{
    /// <summary>Checks the options, including what the data annotations cannot express; throws when they are not valid.</summary>
    public static void ThrowIfInvalid(PostgreSqlStoreOptions options)
    {
        var failures = new List<string>();
        var result = new PostgreSqlStoreOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            failures.AddRange(result.Failures);
        }

        result = new PostgreSqlCommandTimeoutValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            failures.AddRange(result.Failures);
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PostgreSqlStoreOptions), failures);
        }
    }
}

/// <summary>Checks what the data annotations cannot express without reflection.</summary>
internal sealed class PostgreSqlCommandTimeoutValidator : IValidateOptions<PostgreSqlStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlStoreOptions options) =>
        options.CommandTimeout < TimeSpan.FromSeconds(1) || options.CommandTimeout > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"CommandTimeout must be between 1 second and 1 hour; it is {options.CommandTimeout}.")
            : ValidateOptionsResult.Success;
}
