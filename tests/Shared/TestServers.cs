namespace Conversations.TestSupport;

/// <summary>
/// The external servers some tests need, located by environment variables. <c>./test.sh</c> starts each server in a
/// throwaway directory on 127.0.0.1 and sets its variable; a developer who already runs one sets the variable
/// instead. Under a plain <c>dotnet test</c> with a variable unset, tests marked with
/// <see cref="RequiresServerFactAttribute"/> or <see cref="RequiresServerTheoryAttribute"/> are skipped.
/// </summary>
internal static class TestServers
{
    /// <summary>An Npgsql connection string for a superuser; tests create their own databases or schemas.</summary>
    public const string PostgresVariable = "CONVERSATIONS_TEST_POSTGRES";

    /// <summary>A StackExchange.Redis configuration string, such as <c>127.0.0.1:6391</c>.</summary>
    public const string RedisVariable = "CONVERSATIONS_TEST_REDIS";

    /// <summary>The path of a <c>redis-server</c> binary, for tests that start (and kill) their own instance.</summary>
    public const string RedisServerVariable = "CONVERSATIONS_TEST_REDIS_SERVER";

    /// <summary>The endpoint of an S3-compatible server, such as <c>http://127.0.0.1:4591</c>.</summary>
    public const string S3EndpointVariable = "CONVERSATIONS_TEST_S3_ENDPOINT";

    /// <summary>The access key for <see cref="S3EndpointVariable"/>.</summary>
    public const string S3AccessKeyVariable = "CONVERSATIONS_TEST_S3_ACCESS_KEY";

    /// <summary>The secret key for <see cref="S3EndpointVariable"/>.</summary>
    public const string S3SecretKeyVariable = "CONVERSATIONS_TEST_S3_SECRET_KEY";

    /// <summary>A bucket that exists on <see cref="S3EndpointVariable"/>, such as <c>conversations-test</c>.</summary>
    public const string S3BucketVariable = "CONVERSATIONS_TEST_S3_BUCKET";

    /// <summary>The path of a Chromium binary for browser tests; when unset, <c>/usr/bin/chromium</c> if it exists.</summary>
    public const string ChromiumVariable = "CHROMIUM_PATH";

    /// <summary>
    /// Set to <c>1</c> by <c>./test.sh</c>: nothing is skipped, so a server that should have been there and is not
    /// fails its tests instead of hiding behind a skip.
    /// </summary>
    public const string RequireAllVariable = "CONVERSATIONS_TEST_REQUIRE_ALL";

    /// <summary>Gets the PostgreSQL connection string.</summary>
    public static string Postgres => Require(PostgresVariable);

    /// <summary>Gets the Redis configuration string.</summary>
    public static string Redis => Require(RedisVariable);

    /// <summary>Gets the path of the <c>redis-server</c> binary.</summary>
    public static string RedisServer => Require(RedisServerVariable);

    /// <summary>Gets the S3 endpoint, credentials and bucket.</summary>
    public static TestS3Server S3 => new(
        new Uri(Require(S3EndpointVariable)), Require(S3AccessKeyVariable), Require(S3SecretKeyVariable), Require(S3BucketVariable));

    /// <summary>Gets the Chromium binary for browser tests.</summary>
    public static string Chromium => FindChromium()
        ?? throw new InvalidOperationException($"No Chromium: set {ChromiumVariable} or install Debian's chromium (./test.sh does).");

    /// <summary>Gets a value indicating whether missing servers fail tests rather than skip them.</summary>
    public static bool RequireAll => Environment.GetEnvironmentVariable(RequireAllVariable) == "1";

    /// <summary>Returns the value of <paramref name="variable"/>, or <see langword="null"/> when it is unset or empty.</summary>
    public static string? Find(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Returns the value of <paramref name="variable"/>, or throws a message that says how to provide it.</summary>
    public static string Require(string variable) => Find(variable)
        ?? throw new InvalidOperationException($"{variable} is not set. Run ./test.sh, which starts the server, or set {variable} to a server you run.");

    /// <summary>Returns the Chromium binary from <see cref="ChromiumVariable"/> or the Debian default, if any.</summary>
    public static string? FindChromium() =>
        Find(ChromiumVariable) ?? (File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null);

    /// <summary>Returns why a test needing <paramref name="variables"/> is skipped here, or <see langword="null"/> to run it.</summary>
    public static string? SkipReason(IEnumerable<string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (RequireAll)
        {
            return null;
        }

        var missing = variables.Where(v => v == ChromiumVariable ? FindChromium() is null : Find(v) is null).ToArray();
        return missing.Length == 0
            ? null
            : $"Needs {string.Join(", ", missing)}; ./test.sh provides it (or set it to a server you run).";
    }
}
