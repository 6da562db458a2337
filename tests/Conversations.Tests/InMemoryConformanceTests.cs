using Conversations.Testing;

namespace Conversations.Tests;

/// <summary>The in-memory store runs the provider conformance suite.</summary>
public sealed class InMemoryConformanceTests : ConversationStoreConformanceTests
{
    protected override void ConfigureStore(IConversationsBuilder builder) => builder.UseInMemoryStore();
}
