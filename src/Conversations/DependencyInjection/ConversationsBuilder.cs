using Microsoft.Extensions.DependencyInjection;

namespace Conversations;

internal sealed class ConversationsBuilder(IServiceCollection services) : IConversationsBuilder
{
    public IServiceCollection Services { get; } = services;
}
