namespace Conversations.TestSupport;

/// <summary>
/// A <see cref="TheoryAttribute"/> that is skipped when any of the named environment variables is unset (see
/// <see cref="TestServers"/>), unless <c>./test.sh</c> asked for every test to run.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class RequiresServerTheoryAttribute : TheoryAttribute
{
    /// <summary>Initializes a new instance of the <see cref="RequiresServerTheoryAttribute"/> class.</summary>
    /// <param name="variables">The variables the test reads, such as <see cref="TestServers.RedisVariable"/>.</param>
    public RequiresServerTheoryAttribute(params string[] variables)
    {
        Variables = variables;
        if (TestServers.SkipReason(variables) is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Gets the variables the test reads.</summary>
    public IReadOnlyList<string> Variables { get; }
}
