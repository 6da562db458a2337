using Microsoft.Extensions.Options;

namespace Conversations.Sqlite.Internal;

[OptionsValidator]
internal sealed partial class SqliteStoreOptionsValidator : IValidateOptions<SqliteStoreOptions>
{
}

/// <summary>Checks what the data annotations cannot express without reflection.</summary>
internal sealed class SqliteBusyTimeoutValidator : IValidateOptions<SqliteStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteStoreOptions options) =>
        options.BusyTimeout < TimeSpan.FromMilliseconds(1) || options.BusyTimeout > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"BusyTimeout must be between 1 ms and 1 hour; it is {options.BusyTimeout}.")
            : ValidateOptionsResult.Success;
}
