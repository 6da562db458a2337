using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.AspNetCore.Tests;

/// <summary>
/// Rate limits over the wire on real Kestrel: a flooding account or connection is refused with <c>limit_exceeded</c> and a
/// retry-after (error frame <c>retryAfterMs</c>; HTTP 429 with <c>Retry-After</c>), nothing changes, and everyone else keeps posting.
/// </summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task WebSocket_OneAccountFloods_AnotherAccountsPostsStillGoThrough()
    {
        await using var server = await TestServer.StartAsync(engine: b => b.AddRateLimiting(o => o.PerAccount.Posts = new RateLimitRule(3, TimeSpan.FromMinutes(1))));
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        await using var alice = await server.ConnectClientAsync("alice");
        await using var bob = await server.ConnectClientAsync("bob");

        for (var i = 0; i < 3; i++)
        {
            await alice.PostTextAsync(conversation.Id, $"alice {i}");
        }

        var refused = (await FluentActions.Awaiting(() => alice.PostTextAsync(conversation.Id, "flood")).Should().ThrowAsync<LimitExceededException>()).Which;
        refused.RetryAfter.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));

        for (var i = 0; i < 3; i++)
        {
            await bob.PostTextAsync(conversation.Id, $"bob {i}");
        }

        var history = await server.Messages.GetHistoryAsync(Account.System, conversation.Id);
        history.Messages.Select(m => m.Text).Should().Equal("alice 0", "alice 1", "alice 2", "bob 0", "bob 1", "bob 2");
    }

    [Fact]
    public async Task WebSocket_OneConnectionFloods_TheErrorFrameCarriesRetryAfter_AndAnotherConnectionOfTheSameAccountStillPosts()
    {
        await using var server = await TestServer.StartAsync(engine: b => b.AddRateLimiting(o =>
        {
            o.PerConnection.Posts = new RateLimitRule(2, TimeSpan.FromMinutes(1));
            o.PerConnection.StreamAppends = new RateLimitRule(2, TimeSpan.FromMinutes(1));
            o.PerAccount.Posts = null;
        }));
        var (_, conversation) = await server.CreateRoomAsync("alice");
        using var first = await server.ConnectRawAsync("alice");
        using var second = await server.ConnectRawAsync("alice");
        await first.WelcomeAsync();
        await second.WelcomeAsync();

        string Post(string id) => $$"""{"type":"messages.post","id":"{{id}}","conversationId":"{{conversation.Id}}","text":"{{id}}"}""";
        (await first.CommandAsync(Post("p1"), "p1")).Type().Should().Be("ack");
        (await first.CommandAsync(Post("p2"), "p2")).Type().Should().Be("ack");
        var error = await first.CommandAsync(Post("p3"), "p3");
        error.Type().Should().Be("error");
        error.Code().Should().Be("limit_exceeded");
        error.GetProperty("retryAfterMs").GetInt64().Should().BeInRange(1, 60_000);

        (await second.CommandAsync(Post("q1"), "q1")).Type().Should().Be("ack", "the other connection has its own budget");

        // Stream appends: the stream start is the second connection's second post; two chunks pass, the third is refused.
        var begin = await second.CommandAsync($$"""{"type":"stream.begin","id":"s","conversationId":"{{conversation.Id}}"}""", "s");
        begin.Type().Should().Be("ack");
        var messageId = begin.GetProperty("result").GetProperty("id").GetString();
        string Append(string id) => $$"""{"type":"stream.append","id":"{{id}}","conversationId":"{{conversation.Id}}","messageId":"{{messageId}}","delta":"{{id}} "}""";
        (await second.CommandAsync(Append("a1"), "a1")).Type().Should().Be("ack");
        (await second.CommandAsync(Append("a2"), "a2")).Type().Should().Be("ack");
        var appendError = await second.CommandAsync(Append("a3"), "a3");
        appendError.Code().Should().Be("limit_exceeded");
        appendError.GetProperty("retryAfterMs").GetInt64().Should().BeInRange(1, 60_000);
        var completed = await second.CommandAsync($$"""{"type":"stream.complete","id":"c","conversationId":"{{conversation.Id}}","messageId":"{{messageId}}"}""", "c");
        completed.GetProperty("result").GetProperty("text").GetString().Should().Be("a1 a2 ");

        var history = await server.Messages.GetHistoryAsync(Account.System, conversation.Id);
        history.Messages.Select(m => m.Text).Should().Equal("p1", "p2", "q1", "a1 a2 ");
    }

    [Fact]
    public async Task Http_FloodedPost_Gets429WithRetryAfterAndProblemBody_AndAnotherAccountStillPosts()
    {
        await using var server = await TestServer.StartAsync(engine: b => b.AddRateLimiting(o => o.PerAccount.Posts = new RateLimitRule(2, TimeSpan.FromMinutes(1))));
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        var path = $"/conversations/{conversation.Id}/messages";

        for (var i = 0; i < 2; i++)
        {
            using var ok = await server.Http.SendAsync(server.Request(HttpMethod.Post, path, "alice", new { text = $"alice {i}" }));
            ok.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using var refused = await server.Http.SendAsync(server.Request(HttpMethod.Post, path, "alice", new { text = "flood" }));
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be("limit_exceeded");
        problem.GetProperty("status").GetInt32().Should().Be(429);
        problem.GetProperty("retryAfterMs").GetInt64().Should().BeInRange(1, 60_000);

        using var bob = await server.Http.SendAsync(server.Request(HttpMethod.Post, path, "bob", new { text = "bob" }));
        bob.StatusCode.Should().Be(HttpStatusCode.Created);
        (await server.Conversations.GetAsync(Account.System, conversation.Id)).LastSequence.Should().Be(3);
    }

    [Fact]
    public async Task Uploads_PerConnectionOverTheWire_AndPerAccountOverHttp_AreRefusedWithRetryAfter_AndReserveNothing()
    {
        await using var server = await TestServer.StartAsync(engine: b => b
            .UseTemporaryFileSystemAssets()
            .AddRateLimiting(o =>
            {
                o.PerConnection.Uploads = new RateLimitRule(2, TimeSpan.FromMinutes(1));
                o.PerAccount.Uploads = new RateLimitRule(4, TimeSpan.FromMinutes(1));
            }));
        using var first = await server.ConnectRawAsync("alice");
        using var second = await server.ConnectRawAsync("alice");
        await first.WelcomeAsync();
        await second.WelcomeAsync();

        string Begin(string id) => $$"""{"type":"assets.upload.begin","id":"{{id}}","name":"{{id}}.txt","mediaType":"text/plain","size":1}""";
        (await first.CommandAsync(Begin("u1"), "u1")).Type().Should().Be("ack");
        (await first.CommandAsync(Begin("u2"), "u2")).Type().Should().Be("ack");
        var error = await first.CommandAsync(Begin("u3"), "u3");
        error.Code().Should().Be("limit_exceeded");
        error.GetProperty("message").GetString().Should().Contain("per connection");
        error.GetProperty("retryAfterMs").GetInt64().Should().BeInRange(1, 60_000);
        (await second.CommandAsync(Begin("u4"), "u4")).Type().Should().Be("ack", "the other connection has its own budget");

        // Over HTTP: the fourth upload is the last of the account's budget, the fifth is refused for the account.
        Task<HttpResponseMessage> BeginOverHttp(string user, string name) =>
            server.Http.SendAsync(server.Request(HttpMethod.Post, "/assets/uploads", user, new { name, mediaType = "text/plain", size = 1 }));
        using (var fourth = await BeginOverHttp("alice", "u5.txt"))
        {
            fourth.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using var refused = await BeginOverHttp("alice", "u6.txt");
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be("limit_exceeded");
        problem.GetProperty("detail").GetString().Should().Contain("per account");

        // Bob's requests share the HTTP client's connection with Alice's, not her budgets.
        using (var bob = await BeginOverHttp("bob", "b1.txt"))
        {
            bob.StatusCode.Should().Be(HttpStatusCode.Created, "another account keeps its own budget");
        }

        using (var bobAgain = await BeginOverHttp("bob", "b2.txt"))
        {
            bobAgain.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        // Reserved only when accepted: four pending uploads of Alice's, none of the refused u3 and u6.
        var pending = await server.Services.GetRequiredService<Storage.ConversationStore>().GetAssetsToSweepAsync(DateTimeOffset.MaxValue, 100, default);
        pending.Where(a => a.UploadedBy == "alice").Select(a => a.Name).Should().BeEquivalentTo(["u1.txt", "u2.txt", "u4.txt", "u5.txt"]);
    }

    [Fact]
    public async Task Http_SizeLimits_StayA413WithoutRetryAfter()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSockets.MaxMessageBytes = 2048, b => b.AddRateLimiting());
        var (_, conversation) = await server.CreateRoomAsync("alice");

        using var response = await server.Http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversation.Id}/messages", "alice", new { text = new string('x', 5000) }));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.Headers.RetryAfter.Should().BeNull();
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("retryAfterMs", out _).Should().BeFalse();
    }
}
