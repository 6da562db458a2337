namespace Conversations.Assets.S3.Tests;

/// <summary>Where the S3 test server is: the <c>CONVERSATIONS_TEST_S3_*</c> variables that <c>./test.sh</c> sets (see <see cref="TestServers"/>).</summary>
internal static class S3TestServer
{
    /// <summary>The variables the S3 tests read.</summary>
    public static readonly string[] Variables =
        [TestServers.S3EndpointVariable, TestServers.S3AccessKeyVariable, TestServers.S3SecretKeyVariable, TestServers.S3BucketVariable];

    /// <summary>Gets a value indicating whether the S3 tests run here (their variables are set, or ./test.sh requires every test).</summary>
    public static bool Enabled => TestServers.SkipReason(Variables) is null;

    /// <summary>Gets the server's endpoint; throws a message saying how to provide it when it is not set.</summary>
    public static Uri Endpoint => TestServers.S3.Endpoint;

    /// <summary>Options for the test bucket; every test writes under its own key prefix, so tests run in parallel.</summary>
    public static void Configure(S3AssetOptions options, string? secretKey = null)
    {
        var server = TestServers.S3;
        options.ServiceUrl = server.Endpoint;
        options.BucketName = server.Bucket;
        options.ForcePathStyle = true;
        options.AccessKey = server.AccessKey;
        options.SecretKey = secretKey ?? server.SecretKey;
        options.KeyPrefix = "test-" + Guid.NewGuid().ToString("N") + "/";
    }
}
