namespace Conversations.Tests;

/// <summary>The shared helper that skips server-bound tests under a plain <c>dotnet test</c> and runs them under ./test.sh.</summary>
public sealed class TestServersTests
{
    [Fact]
    public void SkipReason_UnsetVariable_NamesIt_UnlessEveryTestMustRun()
    {
        var name = "CONVERSATIONS_TEST_UNSET_" + Guid.NewGuid().ToString("N");

        var reason = TestServers.SkipReason([name]);

        if (TestServers.RequireAll)
        {
            reason.Should().BeNull("./test.sh asks for every test to run, so a missing server fails instead of skipping");
        }
        else
        {
            reason.Should().Contain(name).And.Contain("./test.sh");
        }
    }

    [Fact]
    public void SkipReason_SetVariable_RunsTheTest()
    {
        var name = "CONVERSATIONS_TEST_SET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "127.0.0.1:1");
        try
        {
            TestServers.SkipReason([name]).Should().BeNull();
            TestServers.Require(name).Should().Be("127.0.0.1:1");
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Require_UnsetVariable_ThrowsAMessageThatSaysHowToProvideIt()
    {
        var name = "CONVERSATIONS_TEST_UNSET_" + Guid.NewGuid().ToString("N");

        var act = () => TestServers.Require(name);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*{name}*./test.sh*");
    }
}
