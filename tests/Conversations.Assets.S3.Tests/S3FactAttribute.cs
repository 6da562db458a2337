namespace Conversations.Assets.S3.Tests;

/// <summary>
/// A test that needs the S3 test server (<see cref="S3TestServer.Variables"/>): skipped under a plain <c>dotnet test</c>
/// when they are unset, run (and failed if the server is missing) under <c>./test.sh</c>, like
/// <see cref="RequiresServerFactAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (TestServers.SkipReason(S3TestServer.Variables) is { } reason)
        {
            Skip = reason;
        }
    }
}
