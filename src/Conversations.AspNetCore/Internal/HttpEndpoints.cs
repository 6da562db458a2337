using System.Diagnostics;
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
internal sealed partial class HttpEndpoints(
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
        group.MapGet("/rooms", Handle(CommandTypes.RoomsList, (c, a, ct) => s.Rooms.ListRoomsAsync(a, ct), Json.IReadOnlyListRoom));
        group.MapPost("/rooms", Handle(CommandTypes.RoomsCreate, async (c, a, ct) => await s.Rooms.CreateRoomAsync(a, ToCreateRoom(await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false)), ct).ConfigureAwait(false), Json.Room, StatusCodes.Status201Created));
        group.MapPost("/rooms/direct", Handle(CommandTypes.RoomsDirect, async (c, a, ct) =>
        {
            var body = await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false);
            return await s.Rooms.GetOrCreateDirectRoomAsync(a, ParticipantSpecDto.ToSpecs(body.Participants ?? throw new InvalidArgumentException("The body needs \"participants\".")), ct).ConfigureAwait(false);
        }, Json.Room, limit: RateLimitOperation.DirectRooms));
        group.MapGet("/rooms/{roomId}", Handle(CommandTypes.RoomsGet, (c, a, ct) => s.Rooms.GetRoomAsync(a, Route(c, "roomId"), ct), Json.Room));
        group.MapGet("/rooms/{roomId}/participants", Handle(CommandTypes.ParticipantsList, (c, a, ct) => s.Participants.ListAsync(a, Route(c, "roomId"), ct), Json.IReadOnlyListParticipant));
        group.MapPost("/rooms/{roomId}/participants", Handle(CommandTypes.ParticipantsAdd, async (c, a, ct) => await s.Participants.AddAsync(a, Route(c, "roomId"), (await BodyAsync(c, Json.ParticipantSpecDto).ConfigureAwait(false)).ToSpec(), ct).ConfigureAwait(false), Json.Participant, StatusCodes.Status201Created));
        group.MapMethods("/rooms/{roomId}/participants/{accountId}", ["PATCH"], Handle(CommandTypes.ParticipantsUpdate, async (c, a, ct) => await s.Participants.UpdateAsync(a, Route(c, "roomId"), Route(c, "accountId"), await BodyAsync(c, Json.ParticipantUpdate).ConfigureAwait(false), ct).ConfigureAwait(false), Json.Participant));
        group.MapDelete("/rooms/{roomId}/participants/{accountId}", Handle(CommandTypes.ParticipantsRemove, (c, a, ct) => s.Participants.RemoveAsync(a, Route(c, "roomId"), Route(c, "accountId"), ct)));
        group.MapGet("/rooms/{roomId}/conversations", Handle(CommandTypes.ConversationsList, (c, a, ct) => s.Conversations.ListAsync(a, Route(c, "roomId"), ct), Json.IReadOnlyListConversation));
        group.MapPost("/rooms/{roomId}/conversations", Handle(CommandTypes.ConversationsCreate, async (c, a, ct) => await s.Conversations.CreateAsync(a, Route(c, "roomId"), new CreateConversationRequest { Title = (await OptionalBodyAsync(c, Json.ClientFrame).ConfigureAwait(false))?.Title }, ct).ConfigureAwait(false), Json.Conversation, StatusCodes.Status201Created));
        group.MapGet("/conversations/{conversationId}", Handle(CommandTypes.ConversationsGet, (c, a, ct) => s.Conversations.GetAsync(a, Route(c, "conversationId"), ct), Json.Conversation));
        group.MapGet("/conversations/{conversationId}/messages", Handle(CommandTypes.MessagesHistory, (c, a, ct) => s.Messages.GetHistoryAsync(a, Route(c, "conversationId"), History(c), ct), Json.MessagePage));
        group.MapPost("/conversations/{conversationId}/messages", Handle(CommandTypes.MessagesPost, async (c, a, ct) => await s.Messages.PostAsync(a, Route(c, "conversationId"), ConversationsConnection.ToPostRequest(await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false)), ct).ConfigureAwait(false), Json.Message, StatusCodes.Status201Created, RateLimitOperation.Posts));
        group.MapMethods("/conversations/{conversationId}/messages/{messageId}", ["PATCH"], Handle(CommandTypes.MessagesEdit, async (c, a, ct) => await s.Messages.EditAsync(a, Route(c, "conversationId"), Route(c, "messageId"), ConversationsConnection.ToEditRequest(await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false)), ct).ConfigureAwait(false), Json.Message));
        group.MapDelete("/conversations/{conversationId}/messages/{messageId}", Handle(CommandTypes.MessagesDelete, (c, a, ct) => s.Messages.DeleteAsync(a, Route(c, "conversationId"), Route(c, "messageId"), ct), Json.Message));
        group.MapPost("/conversations/{conversationId}/typing", Handle(CommandTypes.Typing, async (c, a, ct) =>
        {
            var body = await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false);
            await s.Conversations.SetTypingAsync(a, Route(c, "conversationId"), body.IsTyping ?? true, ct).ConfigureAwait(false);
        }));
        group.MapPost("/conversations/{conversationId}/read", Handle(CommandTypes.Read, async (c, a, ct) =>
        {
            var body = await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false);
            return await s.Conversations.MarkReadAsync(a, Route(c, "conversationId"), body.Sequence ?? throw new InvalidArgumentException("The body needs \"sequence\"."), ct).ConfigureAwait(false);
        }, Json.ReadMarker));
        group.MapPost("/conversations/{conversationId}/messages/{messageId}/stop", Handle(CommandTypes.MessagesStop, (c, a, ct) => s.Messages.StopAsync(a, Route(c, "conversationId"), Route(c, "messageId"), ct), Json.Message));
        group.MapPost("/conversations/{conversationId}/messages/{messageId}/regenerate", Handle(CommandTypes.MessagesRegenerate, (c, a, ct) => s.Messages.RegenerateAsync(a, Route(c, "conversationId"), Route(c, "messageId"), ct), Json.Message, limit: RateLimitOperation.Posts));
        group.MapGet("/inbox", Handle(CommandTypes.InboxGet, (c, a, ct) => s.Rooms.GetInboxAsync(a, Inbox(c), ct), Json.InboxPage));
        group.MapGet("/conversations/{conversationId}/read-markers", Handle(CommandTypes.ReadMarkers, (c, a, ct) => s.Conversations.GetReadMarkersAsync(a, Route(c, "conversationId"), ct), Json.IReadOnlyListReadMarker));
        MapAssets(group);
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
        string command, Func<HttpContext, Account, CancellationToken, Task<T>> action, JsonTypeInfo<T> typeInfo, int status = StatusCodes.Status200OK, RateLimitOperation? limit = null) =>
        context => RunAsync(context, command, limit, async (c, a, ct) =>
        {
            var result = await action(c, a, ct).ConfigureAwait(false);
            c.Response.StatusCode = status;
            await c.Response.WriteAsJsonAsync(result, typeInfo, contentType: null, ct).ConfigureAwait(false);
        });

    private RequestDelegate Handle(string command, Func<HttpContext, Account, CancellationToken, Task> action) =>
        context => RunAsync(context, command, null, async (c, a, ct) =>
        {
            await action(c, a, ct).ConfigureAwait(false);
            c.Response.StatusCode = StatusCodes.Status204NoContent;
        });

    private async Task RunAsync(HttpContext context, string command, RateLimitOperation? rateLimited, Func<HttpContext, Account, CancellationToken, Task> action)
    {
        // A child of the request's span (ASP.NET Core continues the caller's trace from its traceparent header).
        using var activity = TransportTelemetry.StartCommand(command, TransportTelemetry.Http, ActivityKind.Internal, default, default);
        activity?.SetTag(ConversationsDiagnostics.ConversationIdTag, context.Request.RouteValues["conversationId"] as string);
        var started = services.TimeProvider.GetTimestamp();
        string? failure = null;
        try
        {
            failure = await RunCommandAsync(context, rateLimited, action).ConfigureAwait(false);
            if (failure is not null)
            {
                TransportTelemetry.Failed(activity, failure, failure);
            }
        }
        finally
        {
            TransportTelemetry.RecordCommand(command, TransportTelemetry.Http, failure, services.TimeProvider.GetElapsedTime(started));
        }
    }

    /// <summary>Runs one call; returns the error code it was answered with, or <see langword="null"/> when it succeeded.</summary>
    private async Task<string?> RunCommandAsync(HttpContext context, RateLimitOperation? rateLimited, Func<HttpContext, Account, CancellationToken, Task> action)
    {
        if (!await authorization.AuthorizeAsync(context).ConfigureAwait(false))
        {
            return context.Response.StatusCode == StatusCodes.Status403Forbidden ? ConversationsErrorCode.Forbidden.Value : ConversationsErrorCode.Unauthenticated.Value;
        }

        var account = accounts.Resolve(context);
        if (account is null)
        {
            Log.Unauthenticated(logger);
            await WriteProblemAsync(context, ConversationsErrorCode.Unauthenticated.Value, "Authentication is required.").ConfigureAwait(false);
            return ConversationsErrorCode.Unauthenticated.Value;
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
                // The connection's own budget (the account's is taken by the services). Keyed by the account too: a reverse
                // proxy carries many users' requests over one connection, and one of them must not spend the others' budget.
                limiter?.AcquireForConnection(account, context.Connection.Id + "/" + account.Id, operation);
            }

            await action(context, account, context.RequestAborted).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return "cancelled";
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var (code, message, expected) = ErrorMapping.Map(e);
            if (!expected)
            {
                Log.HttpRequestFailed(logger, context.Request.Method, context.Request.Path, e);
            }

            await WriteProblemAsync(context, code, message, ErrorMapping.RetryAfter(e)).ConfigureAwait(false);
            return code;
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

    private static InboxQuery Inbox(HttpContext context)
    {
        var q = context.Request.Query;
        var limit = q["limit"];
        return new InboxQuery
        {
            Limit = limit.Count == 0 ? 50
                : int.TryParse(limit[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
                : throw new InvalidArgumentException("Query \"limit\" must be an integer."),
            Cursor = q["cursor"].Count == 0 ? null : q["cursor"][0],
        };
    }

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
