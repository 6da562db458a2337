using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Conversations.Internal;

/// <summary>
/// Serves the file-system asset store: <c>PUT</c> and <c>GET {prefix}/blobs/{key}</c> with a signed query. The signature
/// is the credential, so these endpoints stand outside the authenticated group; every response carries headers that keep
/// a browser from running what it serves.
/// </summary>
internal static class BlobEndpoints
{
    /// <summary>The policy on every served file: nothing may load or run, and the document is a sandbox.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; sandbox";

    public static void Map(IEndpointRouteBuilder endpoints, string pattern, FileSystemAssetBlobStore blobs, ILogger logger)
    {
        var prefix = "/" + pattern.Trim('/');
        var baseUrl = (prefix == "/" ? string.Empty : prefix) + "/blobs";
        blobs.ServeAt(baseUrl);
        endpoints.MapMethods(baseUrl + "/{**key}", ["PUT"], context => PutAsync(context, blobs, logger)).WithDisplayName("Conversations asset upload").AllowAnonymous();
        endpoints.MapMethods(baseUrl + "/{**key}", ["GET", "HEAD"], context => GetAsync(context, blobs)).WithDisplayName("Conversations asset download").AllowAnonymous();
    }

    private static async Task PutAsync(HttpContext context, FileSystemAssetBlobStore blobs, ILogger logger)
    {
        var key = context.Request.RouteValues["key"] as string ?? string.Empty;
        SetSafeHeaders(context.Response);
        var request = blobs.Verify(key, "put", name => context.Request.Query[name].Count == 0 ? null : context.Request.Query[name][0]);
        if (request is null)
        {
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.Forbidden.Value, "The upload URL is not valid: its signature does not match, it has expired, or it is not for uploading.").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(context.Request.ContentType ?? string.Empty, request.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.Forbidden.Value, $"The Content-Type must be the signed one, '{request.ContentType}'.").ConfigureAwait(false);
            return;
        }

        if (context.Request.ContentLength > request.Size)
        {
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.LimitExceeded.Value, $"The body is larger than the {request.Size} bytes declared.").ConfigureAwait(false);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = request.Size + 1;
        }

        BlobReceiveResult result;
        try
        {
            result = await blobs.ReceiveAsync(request, context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            Log.BlobUploadRejected(logger, key, e.Message);
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.LimitExceeded.Value, e.Message).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        switch (result)
        {
            case BlobReceiveResult.Stored:
                context.Response.StatusCode = StatusCodes.Status200OK;
                break;
            case BlobReceiveResult.AlreadyExists:
                await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.Conflict.Value, "The object was already uploaded.").ConfigureAwait(false);
                break;
            case BlobReceiveResult.TooLarge:
                await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.LimitExceeded.Value, $"The body is larger than the {request.Size} bytes declared; nothing was stored.").ConfigureAwait(false);
                break;
            default:
                await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.InvalidArgument.Value, $"The body is shorter than the {request.Size} bytes declared; nothing was stored.").ConfigureAwait(false);
                break;
        }
    }

    private static async Task GetAsync(HttpContext context, FileSystemAssetBlobStore blobs)
    {
        var key = context.Request.RouteValues["key"] as string ?? string.Empty;
        SetSafeHeaders(context.Response);
        var request = blobs.Verify(key, "get", name => context.Request.Query[name].Count == 0 ? null : context.Request.Query[name][0]);
        if (request is null)
        {
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.Forbidden.Value, "The download URL is not valid: its signature does not match, it has expired, or it is not for downloading.").ConfigureAwait(false);
            return;
        }

        if (blobs.GetFilePath(key) is not { } path)
        {
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.NotFound.Value, "The asset's bytes are gone.").ConfigureAwait(false);
            return;
        }

        var disposition = new ContentDispositionHeaderValue(request.Inline ? "inline" : "attachment");
        disposition.SetHttpFileName(request.FileName);
        context.Response.Headers.ContentDisposition = disposition.ToString();
        context.Response.Headers.CacheControl = "private, max-age=60";
        await TypedResults.PhysicalFile(path, request.ContentType, enableRangeProcessing: true).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static void SetSafeHeaders(HttpResponse response)
    {
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
