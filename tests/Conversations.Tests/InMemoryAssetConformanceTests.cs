using Conversations.Testing;

namespace Conversations.Tests;

/// <summary>The in-memory store runs the asset conformance suite.</summary>
public sealed class InMemoryAssetConformanceTests : AssetStoreConformanceTests
{
    protected override void ConfigureStore(IConversationsBuilder builder) => builder.UseInMemoryStore();
}
