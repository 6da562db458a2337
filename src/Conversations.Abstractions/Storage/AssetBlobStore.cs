namespace Conversations.Storage;

/// <summary>
/// The blob SPI: where asset bytes live (a local folder, an S3 bucket). Keys are derived from asset ids by the engine,
/// never from file names. Access control happens before the engine calls the blob store: a presigned URL is handed out
/// only to a caller that passed the check.
/// </summary>
/// <remarks>Implementations must be thread-safe.</remarks>
public abstract class AssetBlobStore
{
    /// <summary>
    /// Returns a presigned request that stores exactly one object at <paramref name="key"/>. A presigned PUT cannot always
    /// cap the size: the engine measures the object afterwards with <see cref="HeadAsync"/>.
    /// </summary>
    /// <param name="key">The object key.</param>
    /// <param name="upload">The declared content type and size, and when the request expires.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The request.</returns>
    public abstract ValueTask<PresignedRequest> CreateUploadAsync(string key, BlobUpload upload, CancellationToken cancellationToken);

    /// <summary>Returns what is stored at a key, or <see langword="null"/> when nothing (complete) is.</summary>
    /// <param name="key">The object key.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The object's size and, when the store knows it, its hash.</returns>
    public abstract ValueTask<BlobInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens an object for reading.</summary>
    /// <param name="key">The object key.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The bytes; the caller disposes the stream.</returns>
    /// <exception cref="NotFoundException">Nothing is stored at the key.</exception>
    public abstract ValueTask<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores an object from a stream (server-side uploads).</summary>
    /// <param name="key">The object key.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="contentType">The content type.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the object is stored.</returns>
    public abstract ValueTask WriteAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>Returns a short-lived URL that serves an object with the given headers.</summary>
    /// <param name="key">The object key.</param>
    /// <param name="download">The file name, content type, disposition and expiry.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The URL: absolute, or relative to the Conversations host.</returns>
    public abstract ValueTask<string> GetDownloadUrlAsync(string key, BlobDownload download, CancellationToken cancellationToken);

    /// <summary>Deletes an object and any partial upload of it. Deleting a missing object succeeds.</summary>
    /// <param name="key">The object key.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the object is gone.</returns>
    public abstract ValueTask DeleteAsync(string key, CancellationToken cancellationToken);
}
