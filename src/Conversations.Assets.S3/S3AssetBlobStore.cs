using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Conversations.Storage;
using Microsoft.Extensions.Options;

namespace Conversations.Assets.S3;

/// <summary>
/// Keeps asset bytes in an S3 bucket. Uploads and downloads go straight between the caller and S3 through presigned
/// URLs (AWS Signature Version 4): the upload URL signs the content type, the download URL the content type and
/// disposition S3 serves the object with.
/// </summary>
/// <remarks>
/// <para>
/// S3 serves from its own origin, so a browser never runs an uploaded file with the application's cookies; downloads are
/// served with <c>Content-Disposition: attachment</c> except for the safe inline image types. To also send
/// <c>X-Content-Type-Options</c> and a Content-Security-Policy, put a CDN or proxy that adds them in front of the bucket.
/// </para>
/// <para>Thread-safe. Dispose it to release the SDK client it created (not one passed in).</para>
/// </remarks>
public sealed class S3AssetBlobStore : AssetBlobStore, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3AssetOptions _options;
    private readonly Protocol _protocol;

    /// <summary>Initializes a new instance of the <see cref="S3AssetBlobStore"/> class with its own SDK client.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public S3AssetBlobStore(S3AssetOptions options)
        : this(CreateClient(Validated(options)), options, ownsClient: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="S3AssetBlobStore"/> class on an existing SDK client.</summary>
    /// <param name="client">The client; not disposed by this store.</param>
    /// <param name="options">The options (the client settings in them are not used); validated here.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public S3AssetBlobStore(IAmazonS3 client, S3AssetOptions options)
        : this(client ?? throw new ArgumentNullException(nameof(client)), Validated(options), ownsClient: false)
    {
    }

    private S3AssetBlobStore(IAmazonS3 client, S3AssetOptions options, bool ownsClient)
    {
        _client = client;
        _options = options;
        _ownsClient = ownsClient;
        _protocol = options.ServiceUrl?.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS;
    }

    /// <summary>Gets the SDK client.</summary>
    public IAmazonS3 Client => _client;

    /// <inheritdoc />
    public override async ValueTask<PresignedRequest> CreateUploadAsync(string key, BlobUpload upload, CancellationToken cancellationToken)
    {
        var url = await _client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = _options.BucketName,
            Key = ObjectKey(key),
            Verb = HttpVerb.PUT,
            Expires = upload.ExpiresAt.UtcDateTime,
            ContentType = upload.ContentType,
            Protocol = _protocol,
        }).ConfigureAwait(false);
        return new PresignedRequest
        {
            Method = "PUT",
            Url = url,
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = upload.ContentType },
            ExpiresAt = upload.ExpiresAt,
        };
    }

    /// <inheritdoc />
    public override async ValueTask<BlobInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.BucketName, Key = ObjectKey(key) }, cancellationToken).ConfigureAwait(false);
            return new BlobInfo(head.ContentLength, null);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public override async ValueTask<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.BucketName, Key = ObjectKey(key) }, cancellationToken).ConfigureAwait(false);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new NotFoundException($"No object is stored at '{key}'.", e);
        }
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);

        // The SDK needs the length up front; a stream that cannot tell is spooled to a temporary file first.
        Stream body = content;
        FileStream? spool = null;
        if (!content.CanSeek)
        {
            spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await content.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            body = spool;
        }

        try
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _options.BucketName,
                Key = ObjectKey(key),
                InputStream = body,
                ContentType = contentType,
                AutoCloseStream = false,
                UseChunkEncoding = false,
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (spool is not null)
            {
                await spool.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public override async ValueTask<string> GetDownloadUrlAsync(string key, BlobDownload download, CancellationToken cancellationToken)
    {
        var disposition = new System.Net.Mime.ContentDisposition { Inline = download.Inline, FileName = download.FileName }.ToString();
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.BucketName,
            Key = ObjectKey(key),
            Verb = HttpVerb.GET,
            Expires = download.ExpiresAt.UtcDateTime,
            Protocol = _protocol,
        };
        request.ResponseHeaderOverrides.ContentType = download.ContentType;
        request.ResponseHeaderOverrides.ContentDisposition = disposition;
        request.ResponseHeaderOverrides.CacheControl = "private, max-age=60";
        return await _client.GetPreSignedURLAsync(request).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async ValueTask DeleteAsync(string key, CancellationToken cancellationToken) =>
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.BucketName, Key = ObjectKey(key) }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private string ObjectKey(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return _options.KeyPrefix + key;
    }

    private static S3AssetOptions Validated(S3AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new S3AssetOptionsValidator().Validate(Options.DefaultName, options);
        var failures = result.Failed ? result.Failures.ToList() : [];
        if ((options.AccessKey is null) != (options.SecretKey is null))
        {
            failures.Add("AccessKey and SecretKey go together: set both, or neither to use the default credential chain.");
        }

        if (options.ServiceUrl is { IsAbsoluteUri: false })
        {
            failures.Add("ServiceUrl must be an absolute URL.");
        }

        return failures.Count == 0 ? options : throw new OptionsValidationException(Options.DefaultName, typeof(S3AssetOptions), failures);
    }

    private static AmazonS3Client CreateClient(S3AssetOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.ToString();
            config.AuthenticationRegion = options.Region;
            config.UseHttp = serviceUrl.Scheme == Uri.UriSchemeHttp;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        options.ConfigureClient?.Invoke(config);
        return options.AccessKey is { } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    /// <summary>The body of a GET response; disposing it releases the response.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
