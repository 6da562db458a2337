namespace Conversations.Tests;

/// <summary>
/// Telemetry tests listen to the process-wide "Conversations" source and meter, so they run alone: no other test's spans
/// or measurements mix into theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
