using System.Net;
using System.Net.WebSockets;
using System.Text;
using Conversations.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.AspNetCore.Tests;

public sealed class ProtocolAbuseTests
{
    [Fact]
    public async Task Bad_frames_get_error_frames_change_nothing_and_the_server_keeps_serving()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSockets.MaxMessageBytes = 4096);
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        using var alice = await server.ConnectRawAsync("alice");
        (await alice.WelcomeAsync()).GetProperty("accountId").GetString().Should().Be("alice");
        await using var bob = await server.ConnectClientAsync("bob");

        // Malformed JSON: no id can be read, so the error has a null id.
        await alice.SendTextAsync("{not json");
        var malformed = await alice.ReceiveUntilAsync("error");
        malformed.Code().Should().Be("invalid_argument");
        malformed.GetProperty("id").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);

        (await alice.CommandAsync("""{"type":"no.such.command","id":"u1"}""", "u1")).Code().Should().Be("invalid_argument");
        (await alice.CommandAsync("""{"type":"messages.post","id":"w1","conversationId":42,"text":"x"}""", "w1")).Code().Should().Be("invalid_argument");
        (await alice.CommandAsync("""{"type":"messages.post","id":"w2","conversationId":"c","afterSequence":"soon"}""", "w2")).Code().Should().Be("invalid_argument");
        (await alice.CommandAsync("""{"type":"messages.post","id":"m1","text":"no conversation"}""", "m1")).Code().Should().Be("invalid_argument");
        (await alice.CommandAsync($$"""{"type":"messages.post","id":"m2","conversationId":"{{conversation.Id}}","text":""}""", "m2")).Code().Should().Be("invalid_argument");

        await alice.SendTextAsync("[1,2,3]");
        (await alice.ReceiveUntilAsync("error")).Code().Should().Be("invalid_argument");
        await alice.SendTextAsync("""{"id":"t1"}""");
        (await alice.ReceiveUntilAsync("error", "t1")).Code().Should().Be("invalid_argument");
        await alice.SendTextAsync("""{"type":"ping"}""");
        (await alice.ReceiveUntilAsync("error")).Code().Should().Be("invalid_argument");

        // Oversized: discarded whole and answered with limit_exceeded.
        var big = $$"""{"type":"messages.post","id":"big","conversationId":"{{conversation.Id}}","text":"{{new string('x', 10_000)}}"}""";
        await alice.SendTextAsync(big);
        (await alice.ReceiveUntilAsync("error")).Code().Should().Be("limit_exceeded");

        await alice.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        (await alice.ReceiveUntilAsync("error")).Code().Should().Be("invalid_argument");

        (await server.Conversations.GetAsync(Account.System, conversation.Id)).LastSequence.Should().Be(0, "no bad frame changed anything");

        // The same connection and everyone else are still served.
        var ack = await alice.CommandAsync($$"""{"type":"messages.post","id":"ok","conversationId":"{{conversation.Id}}","text":"still here"}""", "ok");
        ack.Type().Should().Be("ack");
        ack.GetProperty("result").GetProperty("sequence").GetInt64().Should().Be(1);
        await foreach (var e in bob.SubscribeAsync(conversation.Id).WithCancellation(new CancellationTokenSource(RawSocket.Safety).Token))
        {
            e.Should().BeOfType<MessagePostedEvent>().Which.Message.Text.Should().Be("still here");
            break;
        }
    }

    [Fact]
    public async Task A_connection_that_keeps_sending_invalid_frames_is_closed_with_policy_violation()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSockets.MaxInvalidFrames = 3);
        using var socket = await server.ConnectRawAsync("alice");
        await socket.WelcomeAsync();
        for (var i = 0; i < 3; i++)
        {
            await socket.SendTextAsync("nope");
        }

        while (await socket.ReceiveFrameAsync() is not null)
        {
        }

        socket.CloseStatus.Should().Be(WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task A_non_participant_is_refused_everything()
    {
        await using var server = await TestServer.StartAsync();
        var (room, conversation) = await server.CreateRoomAsync("alice", "bob");
        var message = await server.Messages.PostTextAsync(Account.Create("alice", AccountKind.User), conversation.Id, "secret");
        using var mallory = await server.ConnectRawAsync("mallory");
        await mallory.WelcomeAsync();
        var c = conversation.Id;
        var r = room.Id;
        string[] commands =
        [
            $$"""{"type":"subscribe","id":"1","conversationId":"{{c}}"}""",
            $$"""{"type":"messages.post","id":"2","conversationId":"{{c}}","text":"hi"}""",
            $$"""{"type":"messages.history","id":"3","conversationId":"{{c}}"}""",
            $$"""{"type":"messages.edit","id":"4","conversationId":"{{c}}","messageId":"{{message.Id}}","text":"x"}""",
            $$"""{"type":"messages.delete","id":"5","conversationId":"{{c}}","messageId":"{{message.Id}}"}""",
            $$"""{"type":"conversations.get","id":"6","conversationId":"{{c}}"}""",
            $$"""{"type":"conversations.list","id":"7","roomId":"{{r}}"}""",
            $$"""{"type":"conversations.create","id":"8","roomId":"{{r}}"}""",
            $$"""{"type":"typing","id":"9","conversationId":"{{c}}","isTyping":true}""",
            $$"""{"type":"read","id":"10","conversationId":"{{c}}","sequence":1}""",
            $$"""{"type":"read_markers.list","id":"11","conversationId":"{{c}}"}""",
            $$"""{"type":"stream.begin","id":"12","conversationId":"{{c}}"}""",
            $$"""{"type":"rooms.get","id":"13","roomId":"{{r}}"}""",
            $$"""{"type":"rooms.subscribe","id":"14","roomId":"{{r}}"}""",
            $$"""{"type":"participants.list","id":"15","roomId":"{{r}}"}""",
            $$$"""{"type":"participants.add","id":"16","roomId":"{{{r}}}","participant":{"accountId":"mallory"}}""",
            $$"""{"type":"participants.remove","id":"17","roomId":"{{r}}","accountId":"bob"}""",
            $$$"""{"type":"participants.update","id":"18","roomId":"{{{r}}}","accountId":"bob","update":{"role":"observer"}}""",
        ];
        for (var i = 0; i < commands.Length; i++)
        {
            var answer = await mallory.CommandAsync(commands[i], (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            answer.Type().Should().Be("error", commands[i]);
            answer.Code().Should().BeOneOf(["forbidden", "not_found"], commands[i]);
        }

        (await server.Conversations.GetAsync(Account.System, c)).LastSequence.Should().Be(1);
        (await server.Services.GetRequiredService<IParticipantService>().ListAsync(Account.System, r)).Select(p => p.AccountId).Should().BeEquivalentTo(["alice", "bob"]);
        (await server.Conversations.ListAsync(Account.System, r)).Should().ContainSingle();

        using var response = await server.Http.SendAsync(server.Request(HttpMethod.Get, $"/conversations/{c}/messages", "mallory"));
        ((int)response.StatusCode).Should().BeOneOf(403, 404);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"code\"");
    }

    [Fact]
    public async Task Handshakes_without_credentials_from_a_bad_origin_or_with_an_unknown_subprotocol_are_refused()
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");

        (await RefusedAsync(() => server.ConnectRawAsync(null))).Should().Be(HttpStatusCode.Unauthorized);
        (await RefusedAsync(() => server.ConnectRawAsync("alice", origin: "https://evil.example"))).Should().Be(HttpStatusCode.Forbidden);
        (await RefusedAsync(() => server.ConnectRawAsync("alice", subprotocol: "conversations.v99.json"))).Should().Be(HttpStatusCode.BadRequest);
        (await RefusedAsync(() => server.ConnectRawAsync("system-admin"))).Should().Be(HttpStatusCode.Unauthorized, "a remote caller is never the system account");

        await using var anonymous = server.CreateClient("", o => o.AccessTokenProvider = null);
        await FluentActions.Awaiting(() => anonymous.ConnectAsync()).Should().ThrowAsync<UnauthenticatedException>();

        using var allowed = await server.ConnectRawAsync("alice", origin: "https://allowed.example");
        allowed.SubProtocol.Should().Be(TestServer.Subprotocol);
        await allowed.WelcomeAsync();
        using var sameOrigin = await server.ConnectRawAsync("bob", origin: server.BaseUri.GetLeftPart(UriPartial.Authority));
        await sameOrigin.WelcomeAsync();
        var ack = await allowed.CommandAsync($$"""{"type":"messages.post","id":"1","conversationId":"{{conversation.Id}}","text":"hi"}""", "1");
        ack.Type().Should().Be("ack");
    }

    [Fact]
    public async Task Anonymous_callers_are_served_when_the_host_opts_in()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowAnonymous = true);
        using var socket = await server.ConnectRawAsync(null);
        var welcome = await socket.WelcomeAsync();
        welcome.GetProperty("accountId").GetString().Should().StartWith("anonymous:");
        (await socket.CommandAsync("""{"type":"rooms.list","id":"1"}""", "1")).Type().Should().Be("ack");
    }

    private static async Task<HttpStatusCode?> RefusedAsync(Func<Task<ClientWebSocket>> connect)
    {
        try
        {
            using var socket = await connect();
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException e)
        {
            return ParseStatus(e.Message);
        }
    }

    private static HttpStatusCode? ParseStatus(string message)
    {
        // "The server returned status code '401' when status code '101' was expected."
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        return start >= 0 && int.TryParse(message.AsSpan(start + 1, 3), out var code) ? (HttpStatusCode)code : null;
    }
}
