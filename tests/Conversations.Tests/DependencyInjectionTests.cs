using Conversations.Storage;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Conversations.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public void AddConversations_RegistersServicesOnce_AndIsIdempotent()
    {
        var services = new ServiceCollection();
        services.AddConversations();
        services.AddConversations(o => o.MaxTextLength = 500);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        provider.GetServices<IMessageService>().Should().ContainSingle();
        provider.GetServices<IHostedService>().Should().ContainSingle();
        provider.GetRequiredService<ConversationStore>().Should().BeOfType<InMemoryConversationStore>();
        provider.GetRequiredService<IOptions<ConversationsOptions>>().Value.MaxTextLength.Should().Be(500);
        provider.GetRequiredService<IRoomService>().Should().BeSameAs(provider.GetRequiredService<IRoomService>());
    }

    [Fact]
    public void UseInMemoryStore_ReplacesAStoreRegisteredBefore_WhateverTheOrder()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ConversationStore, OtherStore>();
        services.AddConversations().UseInMemoryStore();
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ConversationStore>().Should().BeOfType<InMemoryConversationStore>();
    }

    [Fact]
    public async Task InvalidOptions_FailAtStartup_WithTheOffendingNames()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddConversations(o =>
        {
            o.MaxTextLength = 0;
            o.SubscriberBufferCapacity = -1;
            o.FlowTimeout = TimeSpan.FromSeconds(-5);
        });
        using var host = builder.Build();

        var failure = await FluentActions.Awaiting(() => host.StartAsync()).Should().ThrowAsync<OptionsValidationException>();
        failure.Which.Message.Should().Contain(nameof(ConversationsOptions.MaxTextLength))
            .And.Contain(nameof(ConversationsOptions.SubscriberBufferCapacity))
            .And.Contain(nameof(ConversationsOptions.FlowTimeout));
    }

    [Fact]
    public async Task GenericHost_RunsTheEngineEndToEnd()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddConversations().AddFlowEngine(new FakeFlowEngine().ReplyWith(t => t.Message is null ? "welcome" : $"you said: {t.Message.Text}"));
        using var host = builder.Build();
        await host.StartAsync();

        var rooms = host.Services.GetRequiredService<IRoomService>();
        var conversations = host.Services.GetRequiredService<IConversationService>();
        var messages = host.Services.GetRequiredService<IMessageService>();
        var alice = Account.User("alice");
        var room = await rooms.CreateRoomAsync(alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot")] });
        var conversation = await conversations.CreateAsync(alice, room.Id);
        await messages.PostTextAsync(alice, conversation.Id, "hello");

        await foreach (var e in messages.SubscribeAsync(alice, conversation.Id, 0, TestSupport.Timeout()))
        {
            if (e is MessagePostedEvent { Message.SenderId: "bot" } reply && reply.Message.ReplyToId is not null)
            {
                reply.Message.Text.Should().Be("you said: hello");
                break;
            }
        }

        await host.StopAsync();
    }

    [Fact]
    public void BuilderExtensions_RefuseNullsAndBlankIds()
    {
        var builder = new ServiceCollection().AddConversations();
        FluentActions.Invoking(() => builder.AddAgentFlowEngine<FakeFlowEngine>(" ")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => builder.AddFlowEngine(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => ((IServiceCollection)null!).AddConversations()).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => Account.User(" ")).Should().Throw<ArgumentException>();
    }

    private sealed class OtherStore : InMemoryConversationStoreWrapper;

    private class InMemoryConversationStoreWrapper() : DelegatingConversationStore(new InMemoryConversationStore());
}
