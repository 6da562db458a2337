using Conversations.Assets.S3;

namespace Conversations;

/// <summary>Keeps asset bytes in Amazon S3 or an S3-compatible store.</summary>
public static class S3AssetsConversationsBuilderExtensions
{
    /// <summary>Keeps asset bytes in an S3 bucket, with the SDK's default credentials and region <c>us-east-1</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="bucketName">The bucket; it must exist.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="bucketName"/> is null, empty or white space.</exception>
    public static IConversationsBuilder UseS3Assets(this IConversationsBuilder builder, string bucketName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bucketName);
        return builder.UseS3Assets(o => o.BucketName = bucketName);
    }

    /// <summary>Keeps asset bytes in an S3 bucket (see <see cref="S3AssetBlobStore"/>). Replaces any asset store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the bucket, endpoint, region and credentials; validated when the store is created.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IConversationsBuilder UseS3Assets(this IConversationsBuilder builder, Action<S3AssetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseAssetBlobStore(_ =>
        {
            var options = new S3AssetOptions();
            configure(options);
            return new S3AssetBlobStore(options);
        });
    }
}
