using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Conversations.Client.Internal;
using Conversations.Protocol;

namespace Conversations.Client;

public sealed partial class ConversationsClient
{
    private static readonly HttpClient s_sharedHttp = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

    private HttpClient AssetHttp => _options.AssetHttpClient ?? s_sharedHttp;

    /// <summary>
    /// Uploads a file: reserves it, sends its bytes straight to storage with the presigned request (reporting progress),
    /// and completes it. The SHA-256 is computed first and checked by the server, so a corrupted transfer is refused.
    /// </summary>
    /// <param name="content">The bytes; read from its current position. A stream that cannot seek is buffered in memory first.</param>
    /// <param name="name">The file name.</param>
    /// <param name="mediaType">The media type, such as <c>image/png</c>.</param>
    /// <param name="folder">The folder path; missing folders are created.</param>
    /// <param name="scope">The space; <see langword="null"/> for the caller's own space.</param>
    /// <param name="progress">Receives the number of bytes sent so far; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The ready asset; attach it with <see cref="Attachment.ForAsset"/>.</returns>
    /// <exception cref="ConversationsException">The server refused the upload; <see cref="ConversationsException.Code"/> says why.</exception>
    public async Task<Asset> UploadAsync(Stream content, string name, string mediaType, string folder = "/", AssetScope? scope = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        MemoryStream? buffered = null;
        if (!content.CanSeek)
        {
            buffered = new MemoryStream();
            await content.CopyToAsync(buffered, cancellationToken).ConfigureAwait(false);
            buffered.Position = 0;
            content = buffered;
        }

        try
        {
            var start = content.Position;
            var size = content.Length - start;
            var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));
            content.Position = start;
            var ticket = await BeginUploadAsync(new BeginUploadRequest { Scope = scope, Folder = folder, Name = name, MediaType = mediaType, Size = size, Sha256 = sha }, cancellationToken).ConfigureAwait(false);
            await PutAsync(ticket.Upload, content, size, progress, cancellationToken).ConfigureAwait(false);
            return await CompleteUploadAsync(ticket.Asset.Id, sha, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (buffered is not null)
            {
                await buffered.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reserves an upload and returns the presigned request to send its bytes with (see <see cref="UploadAsync"/>).</summary>
    /// <param name="request">The file to reserve.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The pending asset and its upload request.</returns>
    public Task<UploadTicket> BeginUploadAsync(BeginUploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var frame = new ClientFrame { Type = AssetCommandTypes.UploadBegin, Scope = request.Scope, Folder = request.Folder, Name = request.Name, MediaType = request.MediaType, Size = request.Size, Sha256 = request.Sha256 };
        return RequestAsync(frame, Json.UploadTicket, retryable: false, cancellationToken);
    }

    /// <summary>Completes an upload whose bytes were sent: the server measures and checks them and marks the asset ready.</summary>
    /// <param name="assetId">The pending asset.</param>
    /// <param name="sha256">The lower-case hex SHA-256 of the bytes, if not declared when the upload began.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The ready asset.</returns>
    public Task<Asset> CompleteUploadAsync(string assetId, string? sha256 = null, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = AssetCommandTypes.UploadComplete, AssetId = assetId, Sha256 = sha256 }, Json.Asset, retryable: true, cancellationToken);

    /// <summary>Gets an asset's metadata.</summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="via">The message the asset is reached through, when it is not in a space the caller can read.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The asset.</returns>
    public Task<Asset> GetAssetAsync(string assetId, MessageRef? via = null, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = AssetCommandTypes.Get, AssetId = assetId, Via = via }, Json.Asset, retryable: true, cancellationToken);

    /// <summary>Gets a fresh short-lived download URL, resolved against the server's address.</summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="via">The message the asset is reached through, if any.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The link.</returns>
    public async Task<AssetDownload> GetAssetLinkAsync(string assetId, MessageRef? via = null, CancellationToken cancellationToken = default)
    {
        var link = await RequestAsync(new ClientFrame { Type = AssetCommandTypes.Link, AssetId = assetId, Via = via }, Json.AssetDownload, retryable: true, cancellationToken).ConfigureAwait(false);
        return new AssetDownload { Asset = link.Asset, Url = Resolve(link.Url).AbsoluteUri, ExpiresAt = link.ExpiresAt, Inline = link.Inline };
    }

    /// <summary>Downloads an asset's bytes.</summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="via">The message the asset is reached through, if any.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The bytes; dispose the stream.</returns>
    public async Task<Stream> OpenAssetAsync(string assetId, MessageRef? via = null, CancellationToken cancellationToken = default)
    {
        var link = await GetAssetLinkAsync(assetId, via, cancellationToken).ConfigureAwait(false);
        var response = await AssetHttp.GetAsync(new Uri(link.Url), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ToErrorAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }

        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves or renames an asset within its space.</summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="folder">The new folder; <see langword="null"/> to keep it.</param>
    /// <param name="name">The new name; <see langword="null"/> to keep it.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The asset after the change.</returns>
    public Task<Asset> MoveAssetAsync(string assetId, string? folder, string? name, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = AssetCommandTypes.Move, AssetId = assetId, Folder = folder, Name = name }, Json.Asset, retryable: true, cancellationToken);

    /// <summary>Deletes an asset.</summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the asset is no longer readable.</returns>
    public Task DeleteAssetAsync(string assetId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = AssetCommandTypes.Delete, AssetId = assetId }, retryable: false, cancellationToken);

    /// <summary>Lists a folder: sub-folders first, then ready assets, by name.</summary>
    /// <param name="scope">The space.</param>
    /// <param name="query">The folder and page; <see langword="null"/> for the first page of the top folder.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The page.</returns>
    public Task<AssetListing> ListAssetsAsync(AssetScope scope, AssetListQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new AssetListQuery();
        return RequestAsync(new ClientFrame { Type = AssetCommandTypes.List, Scope = scope, Folder = query.Folder, Cursor = query.Cursor, Limit = query.Limit }, Json.AssetListing, retryable: true, cancellationToken);
    }

    /// <summary>Creates a folder and any missing parents.</summary>
    /// <param name="scope">The space.</param>
    /// <param name="path">The folder's path.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The folder.</returns>
    public Task<AssetFolder> CreateAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = AssetCommandTypes.FoldersCreate, Scope = scope, Path = path }, Json.AssetFolder, retryable: true, cancellationToken);

    /// <summary>Moves or renames a folder with its contents.</summary>
    /// <param name="scope">The space.</param>
    /// <param name="path">The folder's path.</param>
    /// <param name="newPath">The new path.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The folder at its new path.</returns>
    public Task<AssetFolder> MoveAssetFolderAsync(AssetScope scope, string path, string newPath, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = AssetCommandTypes.FoldersMove, Scope = scope, Path = path, NewPath = newPath }, Json.AssetFolder, retryable: false, cancellationToken);

    /// <summary>Deletes a folder with its sub-folders and assets.</summary>
    /// <param name="scope">The space.</param>
    /// <param name="path">The folder's path.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>How many assets were deleted.</returns>
    public async Task<int> DeleteAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken = default) =>
        (await RequestAsync(new ClientFrame { Type = AssetCommandTypes.FoldersDelete, Scope = scope, Path = path }, Json.AssetDeleteResult, retryable: false, cancellationToken).ConfigureAwait(false)).Deleted;

    private async Task PutAsync(PresignedRequest upload, Stream content, long size, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(upload.Method), Resolve(upload.Url));
        using var body = new ProgressStreamContent(content, size, progress);
        request.Content = body;
        foreach (var (header, value) in upload.Headers)
        {
            if (string.Equals(header, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                body.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else if (!request.Headers.TryAddWithoutValidation(header, value))
            {
                body.Headers.TryAddWithoutValidation(header, value);
            }
        }

        using var response = await AssetHttp.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A URL the server handed out: absolute as is, relative against the server's HTTP address.</summary>
    private Uri Resolve(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
        {
            return absolute;
        }

        var server = new UriBuilder(_url) { Scheme = _url.Scheme == "wss" ? "https" : "http", Path = "/", Query = string.Empty }.Uri;
        return new Uri(server, url);
    }

    private static async Task<ConversationsException> ToErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                var problem = await response.Content.ReadFromJsonAsync(Json.ProblemBody, cancellationToken).ConfigureAwait(false);
                if (problem?.Code is { } code)
                {
                    return ErrorCodes.ToException(code, problem.Detail);
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }

        var text = $"Storage answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        return response.StatusCode switch
        {
            HttpStatusCode.Forbidden => new ForbiddenException(text),
            HttpStatusCode.NotFound => new NotFoundException(text),
            HttpStatusCode.Conflict => new ConflictException(text),
            HttpStatusCode.RequestEntityTooLarge => new LimitExceededException(text),
            HttpStatusCode.BadRequest => new InvalidArgumentException(text),
            _ => new UnavailableException(text),
        };
    }
}
