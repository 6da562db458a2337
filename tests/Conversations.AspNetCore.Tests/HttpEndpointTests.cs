using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Conversations.AspNetCore.Tests;

public sealed class HttpEndpointTests
{
    [Fact]
    public async Task Rooms_conversations_and_messages_work_over_http()
    {
        await using var server = await TestServer.StartAsync();
        var http = server.Http;

        using var created = await http.SendAsync(server.Request(HttpMethod.Post, "/rooms", "alice", new { name = "team", participants = new[] { new { accountId = "bob" } } }));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var room = await created.Content.ReadFromJsonAsync<JsonElement>();
        var roomId = room.GetProperty("id").GetString();
        room.GetProperty("kind").GetString().Should().Be("standard");

        using var conv = await http.SendAsync(server.Request(HttpMethod.Post, $"/rooms/{roomId}/conversations", "bob", new { title = "plans" }));
        conv.StatusCode.Should().Be(HttpStatusCode.Created);
        var conversationId = (await conv.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var post = await http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversationId}/messages", "alice", new { text = "**hi**", format = "markdown", clientMessageId = "k1" }));
        post.StatusCode.Should().Be(HttpStatusCode.Created);
        var message = await post.Content.ReadFromJsonAsync<JsonElement>();
        message.GetProperty("sequence").GetInt64().Should().Be(1);
        message.GetProperty("format").GetString().Should().Be("markdown");

        using var repeat = await http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversationId}/messages", "alice", new { text = "**hi**", format = "markdown", clientMessageId = "k1" }));
        (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString().Should().Be(message.GetProperty("id").GetString());

        using var edit = await http.SendAsync(server.Request(HttpMethod.Patch, $"/conversations/{conversationId}/messages/{message.GetProperty("id").GetString()}", "alice", new { text = "edited" }));
        edit.StatusCode.Should().Be(HttpStatusCode.OK);

        using var history = await http.SendAsync(server.Request(HttpMethod.Get, $"/conversations/{conversationId}/messages?limit=10", "bob"));
        var page = await history.Content.ReadFromJsonAsync<JsonElement>();
        page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).Should().Equal("edited");

        using var read = await http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversationId}/read", "bob", new { sequence = 2 }));
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        using var typing = await http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversationId}/typing", "bob", new { isTyping = true }));
        typing.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var participants = await http.SendAsync(server.Request(HttpMethod.Get, $"/rooms/{roomId}/participants", "bob"));
        (await participants.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength().Should().Be(2);
        using var direct = await http.SendAsync(server.Request(HttpMethod.Post, "/rooms/direct", "alice", new { participants = new[] { new { accountId = "alice" }, new { accountId = "carol" } } }));
        (await direct.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("kind").GetString().Should().Be("direct");
        using var delete = await http.SendAsync(server.Request(HttpMethod.Delete, $"/conversations/{conversationId}/messages/{message.GetProperty("id").GetString()}", "alice"));
        delete.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(null, "GET", "/rooms", null, 401, "unauthenticated")]
    [InlineData("alice", "GET", "/conversations/nope", null, 404, "not_found")]
    [InlineData("alice", "POST", "/rooms", "{not json", 400, "invalid_argument")]
    [InlineData("alice", "POST", "/rooms", "{\"participants\":\"bob\"}", 400, "invalid_argument")]
    [InlineData("alice", "GET", "/conversations/x/messages?limit=abc", null, 400, "invalid_argument")]
    public async Task Errors_are_problem_details_with_the_stable_code(string? user, string method, string path, string? body, int status, string code)
    {
        await using var server = await TestServer.StartAsync();
        using var response = await server.Http.SendAsync(server.Request(new HttpMethod(method), path, user, body));
        ((int)response.StatusCode).Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be(code);
        problem.GetProperty("status").GetInt32().Should().Be(status);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_limit_exceeded()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSockets.MaxMessageBytes = 2048);
        var (_, conversation) = await server.CreateRoomAsync("alice");
        using var response = await server.Http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversation.Id}/messages", "alice", new { text = new string('x', 5000) }));
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("limit_exceeded");
        (await server.Conversations.GetAsync(Account.System, conversation.Id)).LastSequence.Should().Be(0);
    }
}
