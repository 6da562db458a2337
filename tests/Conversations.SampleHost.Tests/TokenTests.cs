using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;

namespace Conversations.SampleHost.Tests;

/// <summary>Where the sample host takes a bearer token from: a header anywhere, the query only on the WebSocket handshake.</summary>
public sealed class TokenTests
{
    [Fact]
    public async Task A_token_in_the_query_opens_the_WebSocket_but_not_the_HTTP_API()
    {
        await using var server = await SampleHostServer.StartAsync();
        using var http = new HttpClient();
        using var tokenResponse = await http.PostAsync(new Uri(server.BaseUrl + "/demo/guest-token"), null);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        // The HTTP API: with the header, not with the token in the URL (it would end up in logs and histories).
        using (var inQuery = await http.GetAsync(new Uri($"{server.BaseUrl}/conversations/rooms?access_token={Uri.EscapeDataString(token)}")))
        {
            inQuery.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl + "/conversations/rooms")))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var withHeader = await http.SendAsync(request);
            withHeader.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        // The WebSocket: browsers cannot set its headers, so the query is accepted there.
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("conversations.v1.json");
        await socket.ConnectAsync(new Uri(server.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/conversations?access_token=" + Uri.EscapeDataString(token)), CancellationToken.None);
        var buffer = new byte[4096];
        var first = await socket.ReceiveAsync(buffer, CancellationToken.None);
        System.Text.Encoding.UTF8.GetString(buffer, 0, first.Count).Should().Contain("\"type\":\"welcome\"");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }
}
