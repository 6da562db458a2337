using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Conversations.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>The HTTP API: the same reads and writes as the WebSocket commands, JSON in and out, problem details on error.</summary>
internal sealed class HttpEndpoints(
    ConversationsEndpointOptions options,
    AccountResolver accounts,
    EndpointAuthorization authorization,
    ServiceSet services,
    IConversationsRateLimiter? limiter,
    ILogger logger)
{
    private static ProtocolJson Json => ProtocolJson.Default;

    public void Map(IEndpointRouteBuilder group)
    {
        var s = services;
        group.MapGet("/rooms", Handle((c, a, ct) => s.Rooms.ListRoomsAsync(a, ct), Json.IReadOnlyListRoom));
        group.MapPost("/rooms", Handle(async (c, a, ct) => await s.Rooms.CreateRoomAsync(a, ToCreateRoom(await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false)), ct).ConfigureAwait(false), Json.Room, StatusCodes.Status201Created));
        group.MapPost("/rooms/direct", Handle(async (c, a, ct) =>
        {
            var body = await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false);
            return await s.Rooms.GetOrCreateDirectRoomAsync(a, ParticipantSpecDto.ToSpecs(body.Participants ?? throw new InvalidArgumentException("The body needs \"participants\".")), ct).ConfigureAwait(false);
        }, Json.Room, limit: RateLimitOperation.DirectRooms));
        group.MapGet("/rooms/{roomId}", Handle((c, a, ct) => s.Rooms.GetRoomAsync(a, Route(c, "roomId"), ct), Json.Room));
        group.MapGet("/rooms/{roomId}/participants", Handle((c, a, ct) => s.Participants.ListAsync(a, Route(c, "roomId"), ct), Json.IReadOnlyListParticipant));
        group.MapPost("/rooms/{roomId}/participants", Handle(async (c, a, ct) => await s.Participants.AddAsync(a, Route(c, "roomId"), (await BodyAsync(c, Json.ParticipantSpecDto).ConfigureAwait(false)).ToSpec(), ct).ConfigureAwait(false), Json.Participant, StatusCodes.Status201Created));
        group.MapMethods("/rooms/{roomId}/participants/{accountId}", ["PATCH"], Handle(async (c, a, ct) => await s.Participants.UpdateAsync(a, Route(c, "roomId"), Route(c, "accountId"), await BodyAsync(c, Json.ParticipantUpdate).ConfigureAwait(false), ct).ConfigureAwait(false), Json.Participant));
        group.MapDelete("/rooms/{roomId}/participants/{accountId}", Handle((c, a, ct) => s.Participants.RemoveAsync(a, Route(c, "roomId"), Route(c, "accountId"), ct)));
        group.MapGet("/rooms/{roomId}/conversations", Handle((c, a, ct) => s.Conversations.ListAsync(a, Route(c, "roomId"), ct), Json.IReadOnlyListConversation));
        group.MapPost("/rooms/{roomId}/conversations", Handle(async (c, a, ct) => await s.Conversations.CreateAsync(a, Route(c, "roomId"), new CreateConversationRequest { Title = (await OptionalBodyAsync(c, Json.ClientFrame).ConfigureAwait(false))?.Title }, ct).ConfigureAwait(false), Json.Conversation, StatusCodes.Status201Created));
        group.MapGet("/conversations/{conversationId}", Handle((c, a, ct) => s.Conversations.GetAsync(a, Route(c, "conversationId"), ct), Json.Conversation));
        group.MapGet("/conversations/{conversationId}/messages", Handle((c, a, ct) => s.Messages.GetHistoryAsync(a, Route(c, "conversationId"), History(c), ct), Json.MessagePage));
        group.MapPost("/conversations/{conversationId}/messages", Handle(async (c, a, ct) => await s.Messages.PostAsync(a, Route(c, "conversationId"), ConversationsConnection.ToPostRequest(await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false)), ct).ConfigureAwait(false), Json.Message, StatusCodes.Status201Created, RateLimitOperation.Posts));
        group.MapMethods("/conversations/{conversationId}/messages/{messageId}", ["PATCH"], Handle(async (c, a, ct) => await s.Messages.EditAsync(a, Route(c, "conversationId"), Route(c, "messageId"), ConversationsConnection.ToEditRequest(await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false)), ct).ConfigureAwait(false), Json.Message));
        group.MapDelete("/conversations/{conversationId}/messages/{messageId}", Handle((c, a, ct) => s.Messages.DeleteAsync(a, Route(c, "conversationId"), Route(c, "messageId"), ct), Json.Message));
        group.MapPost("/conversations/{conversationId}/typing", Handle(async (c, a, ct) =>
        {
            var body = await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false);
            await s.Conversations.SetTypingAsync(a, Route(c, "conversationId"), body.IsTyping ?? true, ct).ConfigureAwait(false);
        }));
        group.MapPost("/conversations/{conversationId}/read", Handle(async (c, a, ct) =>
        {
            var body = await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false);
            return await s.Conversations.MarkReadAsync(a, Route(c, "conversationId"), body.Sequence ?? throw new InvalidArgumentException("The body needs \"sequence\"."), ct).ConfigureAwait(false);
        }, Json.ReadMarker));
        group.MapGet("/conversations/{conversationId}/read-markers", Handle((c, a, ct) => s.Conversations.GetReadMarkersAsync(a, Route(c, "conversationId"), ct), Json.IReadOnlyListReadMarker));
    }

    public static Task WriteProblemAsync(HttpContext context, string code, string detail, TimeSpan? retryAfter = null)
    {
        // A rate limit is "too many requests, come back later"; other limits (sizes, counts) stay 413.
        var status = retryAfter is null ? ErrorMapping.ToStatusCode(code) : StatusCodes.Status429TooManyRequests;
        context.Response.StatusCode = status;
        long? retryAfterMs = null;
        if (retryAfter is { } wait)
        {
            retryAfterMs = ErrorMapping.ToMilliseconds(wait);
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var body = new ProblemBody { Title = retryAfter is null ? ErrorMapping.ToTitle(code) : "Too many requests", Status = status, Detail = detail, Code = code, RetryAfterMs = retryAfterMs };
        return context.Response.WriteAsJsonAsync(body, Json.ProblemBody, "application/problem+json", context.RequestAborted);
    }

    private RequestDelegate Handle<T>(
        Func<HttpContext, Account, CancellationToken, Task<T>> action, JsonTypeInfo<T> typeInfo, int status = StatusCodes.Status200OK, RateLimitOperation? limit = null) =>
        context => RunAsync(context, limit, async (c, a, ct) =>
        {
            var result = await action(c, a, ct).ConfigureAwait(false);
            c.Response.StatusCode = status;
            await c.Response.WriteAsJsonAsync(result, typeInfo, contentType: null, ct).ConfigureAwait(false);
        });

    private RequestDelegate Handle(Func<HttpContext, Account, CancellationToken, Task> action) =>
        context => RunAsync(context, null, async (c, a, ct) =>
        {
            await action(c, a, ct).ConfigureAwait(false);
            c.Response.StatusCode = StatusCodes.Status204NoContent;
        });

    private async Task RunAsync(HttpContext context, RateLimitOperation? rateLimited, Func<HttpContext, Account, CancellationToken, Task> action)
    {
        if (!await authorization.AuthorizeAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var account = accounts.Resolve(context);
        if (account is null)
        {
            Log.Unauthenticated(logger);
            await WriteProblemAsync(context, ConversationsErrorCode.Unauthenticated.Value, "Authentication is required.").ConfigureAwait(false);
            return;
        }

        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false })
        {
            limit.MaxRequestBodySize = options.WebSockets.MaxMessageBytes;
        }

        try
        {
            if (rateLimited is { } operation)
            {
                // The connection's own budget; the account's is taken by the services.
                limiter?.AcquireForConnection(account, context.Connection.Id, operation);
            }

            await action(context, account, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var (code, message, expected) = ErrorMapping.Map(e);
            if (!expected)
            {
                Log.HttpRequestFailed(logger, context.Request.Method, context.Request.Path, e);
            }

            await WriteProblemAsync(context, code, message, ErrorMapping.RetryAfter(e)).ConfigureAwait(false);
        }
    }

    private async Task<T> BodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class =>
        await OptionalBodyAsync(context, typeInfo).ConfigureAwait(false) ?? throw new InvalidArgumentException("The request needs a JSON body.");

    private async Task<T?> OptionalBodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (context.Request.ContentLength > options.WebSockets.MaxMessageBytes)
        {
            throw new LimitExceededException($"The body exceeds {options.WebSockets.MaxMessageBytes} bytes.");
        }

        if (context.Request.ContentLength == 0 || (context.Request.ContentLength is null && context.Request.Headers.TransferEncoding.Count == 0))
        {
            return null;
        }

        if (!context.Request.HasJsonContentType())
        {
            throw new InvalidArgumentException("The body must be JSON (Content-Type: application/json).");
        }

        return await context.Request.ReadFromJsonAsync(typeInfo, context.RequestAborted).ConfigureAwait(false);
    }

    private static CreateRoomRequest ToCreateRoom(ClientFrame body) => new() { Name = body.Name, Participants = ParticipantSpecDto.ToSpecs(body.Participants) };

    private static string Route(HttpContext context, string name) =>
        context.Request.RouteValues[name] as string ?? throw new InvalidArgumentException($"Missing route value \"{name}\".");

    private static HistoryQuery History(HttpContext context)
    {
        var q = context.Request.Query;
        return new HistoryQuery
        {
            Before = Number(q["before"], "before"),
            After = Number(q["after"], "after"),
            Limit = Number(q["limit"], "limit") is { } limit ? (int)Math.Min(limit, int.MaxValue) : 50,
        };

        static long? Number(Microsoft.Extensions.Primitives.StringValues value, string name) =>
            value.Count == 0 ? null
            : long.TryParse(value[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n
            : throw new InvalidArgumentException($"Query \"{name}\" must be a non-negative integer.");
    }
}
