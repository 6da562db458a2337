namespace Conversations.Assets.S3.Tests;

/// <summary>Where the S3 test server is, from the environment the test command sets.</summary>
internal static class S3TestServer
{
    public static Uri? Endpoint =>
        Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_S3_ENDPOINT") is { Length: > 0 } url ? new Uri(url) : null;

    public static string AccessKey => Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_S3_ACCESS_KEY") ?? "S3RVER";

    public static string SecretKey => Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_S3_SECRET_KEY") ?? "S3RVER";

    public static string Bucket => Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_S3_BUCKET") ?? "conversations-test";

    /// <summary>Options for the test bucket; every test writes under its own key prefix, so tests run in parallel.</summary>
    public static void Configure(S3AssetOptions options, string? secretKey = null)
    {
        options.ServiceUrl = Endpoint;
        options.BucketName = Bucket;
        options.ForcePathStyle = true;
        options.AccessKey = AccessKey;
        options.SecretKey = secretKey ?? SecretKey;
        options.KeyPrefix = "test-" + Guid.NewGuid().ToString("N") + "/";
    }
}
