using Microsoft.Extensions.DependencyInjection;

namespace Conversations.Internal;

/// <summary>
/// Which agents this engine can run flows for: every agent when a default <see cref="IFlowEngine"/> is registered, else
/// the agents with a keyed engine of their own. The dispatcher claims only those agents' triggers, so an engine without a
/// flow engine (an API-only host) never takes work from the engines that have one.
/// </summary>
/// <remarks>Read from the service registrations once they are complete (at first use).</remarks>
internal sealed class FlowEngineCatalog
{
    public FlowEngineCatalog(IServiceCollection services)
    {
        var keyed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType != typeof(IFlowEngine))
            {
                continue;
            }

            if (!descriptor.IsKeyedService)
            {
                HasDefault = true;
            }
            else if (descriptor.ServiceKey is string agentId)
            {
                keyed.Add(agentId);
            }
        }

        AgentIds = keyed;
    }

    /// <summary>Gets a value indicating whether a default engine takes every agent without an engine of its own.</summary>
    public bool HasDefault { get; }

    /// <summary>Gets the agents with an engine of their own.</summary>
    public IReadOnlyCollection<string> AgentIds { get; }

    /// <summary>Gets a value indicating whether this engine runs any flow at all.</summary>
    public bool RunsFlows => HasDefault || AgentIds.Count > 0;
}
