using System.ComponentModel.DataAnnotations;
using Amazon.S3;

namespace Conversations.Assets.S3;

/// <summary>Options of the S3 asset store (<see cref="S3AssetBlobStore"/>).</summary>
public sealed class S3AssetOptions
{
    /// <summary>Gets or sets the bucket that holds the bytes. It must exist.</summary>
    [Required]
    public string BucketName { get; set; } = string.Empty;

    /// <summary>Gets or sets a prefix put before every object key, such as <c>conversations/</c>.</summary>
    /// <value>The default value is empty.</value>
    public string KeyPrefix { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the endpoint of an S3-compatible server (MinIO, Ceph, a test server), such as
    /// <c>http://127.0.0.1:9000</c>; <see langword="null"/> for Amazon S3 in <see cref="Region"/>.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Gets or sets the AWS region, such as <c>eu-west-1</c>; also the signing region for S3-compatible servers.</summary>
    /// <value>The default value is <c>us-east-1</c>.</value>
    [Required]
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// Gets or sets a value indicating whether URLs name the bucket in the path (<c>host/bucket/key</c>) rather than the
    /// host name. Most S3-compatible servers need it.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ForcePathStyle { get; set; }

    /// <summary>Gets or sets the access key id; <see langword="null"/> uses the SDK's default credential chain (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    /// <summary>Gets or sets the secret access key that goes with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Gets or sets a hook that adjusts the SDK's client configuration (timeouts, proxy, retries).</summary>
    public Action<AmazonS3Config>? ConfigureClient { get; set; }
}
