using Microsoft.Extensions.DependencyInjection;

namespace Conversations;

/// <summary>
/// Configures the Conversations engine. Returned by <c>AddConversations</c>; storage providers, flow
/// engines and event handlers are added through extension methods on it.
/// </summary>
public interface IConversationsBuilder
{
    /// <summary>Gets the service collection the engine is registered in.</summary>
    IServiceCollection Services { get; }
}
