using System.Globalization;
using Conversations.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Conversations.Internal;

// The asset API (docs/protocol.md, "Assets"). GET /assets/{id} is the stable link that messages point at: it checks
// access on every request and redirects to a fresh short-lived URL.
internal sealed partial class HttpEndpoints
{
    private void MapAssets(IEndpointRouteBuilder group)
    {
        if (services.Assets is not { } assets || services.AssetFolders is not { } folders)
        {
            return;
        }

        group.MapPost("/assets/uploads", Handle(AssetCommandTypes.UploadBegin, async (c, a, ct) => await assets.BeginUploadAsync(a, ToBeginUpload(await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false)), ct).ConfigureAwait(false), Json.UploadTicket, StatusCodes.Status201Created, RateLimitOperation.Uploads));
        group.MapPost("/assets/{assetId}/complete", Handle(AssetCommandTypes.UploadComplete, async (c, a, ct) => await assets.CompleteUploadAsync(a, Route(c, "assetId"), (await OptionalBodyAsync(c, Json.ClientFrame).ConfigureAwait(false))?.Sha256, ct).ConfigureAwait(false), Json.Asset));
        group.MapGet("/assets/{assetId}", context => RunAsync(context, AssetCommandTypes.Link, null, async (c, a, ct) =>
        {
            var link = await assets.GetDownloadAsync(a, Route(c, "assetId"), Via(c), ct).ConfigureAwait(false);
            c.Response.Headers.CacheControl = "no-store";
            c.Response.Headers["Referrer-Policy"] = "no-referrer";
            c.Response.Redirect(link.Url, permanent: false);
        }));
        group.MapGet("/assets/{assetId}/link", Handle(AssetCommandTypes.Link, (c, a, ct) => assets.GetDownloadAsync(a, Route(c, "assetId"), Via(c), ct), Json.AssetDownload));
        group.MapGet("/assets/{assetId}/metadata", Handle(AssetCommandTypes.Get, (c, a, ct) => assets.GetAsync(a, Route(c, "assetId"), Via(c), ct), Json.Asset));
        group.MapMethods("/assets/{assetId}", ["PATCH"], Handle(AssetCommandTypes.Move, async (c, a, ct) =>
        {
            var body = await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false);
            return await assets.MoveAsync(a, Route(c, "assetId"), body.Folder, body.Name, ct).ConfigureAwait(false);
        }, Json.Asset));
        group.MapDelete("/assets/{assetId}", Handle(AssetCommandTypes.Delete, (c, a, ct) => assets.DeleteAsync(a, Route(c, "assetId"), ct)));
        group.MapGet("/assets", Handle(AssetCommandTypes.List, (c, a, ct) =>
        {
            var q = c.Request.Query;
            var limit = q["limit"].Count == 0 ? 100
                : int.TryParse(q["limit"][0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new InvalidArgumentException("Query \"limit\" must be a positive integer.");
            return folders.ListAsync(a, AssetScope.Parse(q["scope"]), new AssetListQuery { Folder = q["folder"].Count == 0 ? "/" : q["folder"][0]!, Cursor = q["cursor"], Limit = limit }, ct);
        }, Json.AssetListing));
        group.MapPost("/assets/folders", Handle(AssetCommandTypes.FoldersCreate, async (c, a, ct) =>
        {
            var body = await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false);
            return await folders.CreateFolderAsync(a, ScopeOf(body), Required(body.Path, "path"), ct).ConfigureAwait(false);
        }, Json.AssetFolder, StatusCodes.Status201Created));
        group.MapPost("/assets/folders/move", Handle(AssetCommandTypes.FoldersMove, async (c, a, ct) =>
        {
            var body = await BodyAsync(c, Json.ClientFrame).ConfigureAwait(false);
            return await folders.MoveFolderAsync(a, ScopeOf(body), Required(body.Path, "path"), Required(body.NewPath, "newPath"), ct).ConfigureAwait(false);
        }, Json.AssetFolder));
        group.MapDelete("/assets/folders", Handle(AssetCommandTypes.FoldersDelete, async (c, a, ct) =>
        {
            var q = c.Request.Query;
            var deleted = await folders.DeleteFolderAsync(a, AssetScope.Parse(q["scope"]), q["path"].Count == 0 ? throw new InvalidArgumentException("Query \"path\" is required.") : q["path"][0]!, ct).ConfigureAwait(false);
            return new AssetDeleteResult { Deleted = deleted };
        }, Json.AssetDeleteResult));
    }

    internal static BeginUploadRequest ToBeginUpload(ClientFrame f) => new()
    {
        Scope = f.Scope,
        Folder = f.Folder ?? "/",
        Name = f.Name ?? string.Empty,
        MediaType = f.MediaType ?? string.Empty,
        Size = f.Size ?? throw new InvalidArgumentException("The request needs \"size\"."),
        Sha256 = f.Sha256,
    };

    private static AssetScope ScopeOf(ClientFrame body) => body.Scope ?? throw new InvalidArgumentException("The request needs \"scope\".");

    private static string Required(string? value, string name) => value ?? throw new InvalidArgumentException($"The request needs \"{name}\".");

    private static MessageRef? Via(HttpContext context)
    {
        var q = context.Request.Query;
        var conversation = q["conversationId"].ToString();
        var message = q["messageId"].ToString();
        return conversation.Length == 0 && message.Length == 0 ? null
            : conversation.Length == 0 || message.Length == 0 ? throw new InvalidArgumentException("Name both \"conversationId\" and \"messageId\", or neither.")
            : new MessageRef { ConversationId = conversation, MessageId = message };
    }
}
