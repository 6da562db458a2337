using System.Net.WebSockets;
using Conversations.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conversations.AspNetCore.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public void MapConversations_without_AddConversations_says_what_to_call()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        FluentActions.Invoking(() => app.MapConversations("/conversations"))
            .Should().Throw<InvalidOperationException>().WithMessage("*AddConversations()*");
    }

    [Fact]
    public void Invalid_endpoint_options_are_refused_at_map_time()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddConversations();
        var app = builder.Build();
        FluentActions.Invoking(() => app.MapConversations("/c", o => o.WebSockets.SendQueueCapacity = 0)).Should().Throw<OptionsValidationException>();
        FluentActions.Invoking(() => app.MapConversations("/c", o => o.WebSockets.CloseTimeout = TimeSpan.Zero)).Should().Throw<OptionsValidationException>();
        FluentActions.Invoking(() => app.MapConversations("/c", o => o.AllowedOrigins.Add("not an origin"))).Should().Throw<OptionsValidationException>();
        FluentActions.Invoking(() => app.MapConversations("/c", o => o.WebSockets.EventBatchWindow = TimeSpan.FromTicks(-1)))
            .Should().Throw<OptionsValidationException>().WithMessage("*EventBatchWindow*");
        FluentActions.Invoking(() => app.MapConversations("/c", o => o.WebSockets.EventBatchWindow = TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1)))
            .Should().Throw<OptionsValidationException>().WithMessage("*EventBatchWindow*");
        FluentActions.Invoking(() => app.MapConversations("/c0", o => o.WebSockets.EventBatchWindow = TimeSpan.Zero)).Should().NotThrow();
    }

    [Fact]
    public async Task Shutdown_closes_sockets_with_going_away()
    {
        var server = await TestServer.StartAsync();
        try
        {
            using var socket = await server.ConnectRawAsync("alice");
            await socket.WelcomeAsync();
            var stopping = server.StopAsync();
            while (await socket.ReceiveFrameAsync() is not null)
            {
            }

            socket.CloseStatus.Should().Be(WebSocketCloseStatus.EndpointUnavailable);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            await stopping.WaitAsync(RawSocket.Safety);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public void Client_options_are_validated_eagerly()
    {
        FluentActions.Invoking(() => new ConversationsClient(new ConversationsClientOptions())).Should().Throw<OptionsValidationException>();
        FluentActions.Invoking(() => new ConversationsClient(new ConversationsClientOptions { Url = new Uri("ftp://x/") })).Should().Throw<OptionsValidationException>();
    }

    [Fact]
    public void Backoff_policy_retries_at_once_then_doubles_up_to_the_cap_and_stops_after_the_budget()
    {
        var policy = new ExponentialBackoffReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(4), MaxElapsedTime = TimeSpan.FromMinutes(1), Random = new Random(1) };
        policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 0 }).Should().Be(TimeSpan.Zero);
        policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 1 }).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1)).And.BeLessThan(TimeSpan.FromSeconds(1.21));
        policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 2 }).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2)).And.BeLessThan(TimeSpan.FromSeconds(2.41));
        policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 10 }).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(4)).And.BeLessThan(TimeSpan.FromSeconds(4.81));
        policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 3, ElapsedTime = TimeSpan.FromMinutes(2) }).Should().BeNull();
    }

    [Fact]
    public async Task Commands_before_connect_are_refused_and_a_disposed_client_refuses_everything()
    {
        await using var server = await TestServer.StartAsync();
        var client = server.CreateClient("alice");
        await FluentActions.Awaiting(() => client.ListRoomsAsync()).Should().ThrowAsync<InvalidOperationException>();
        await client.ConnectAsync();
        (await client.ListRoomsAsync()).Should().BeEmpty();
        client.AccountId.Should().Be("alice");
        await client.DisposeAsync();
        client.State.Should().Be(ConversationsClientState.Closed);
        await FluentActions.Awaiting(() => client.ListRoomsAsync()).Should().ThrowAsync<ObjectDisposedException>();
    }
}
