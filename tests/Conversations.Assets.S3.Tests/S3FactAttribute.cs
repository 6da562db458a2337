namespace Conversations.Assets.S3.Tests;

/// <summary>A test that needs the S3 test server: skipped, not failed, when CONVERSATIONS_TEST_S3_ENDPOINT is unset.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (S3TestServer.Endpoint is null)
        {
            Skip = "CONVERSATIONS_TEST_S3_ENDPOINT is not set: start eng/test-servers/s3 (node start.mjs <port> <dir>) and export the CONVERSATIONS_TEST_S3_* variables.";
        }
    }
}
