using System.ComponentModel.DataAnnotations;

namespace Conversations;

/// <summary>Limits of the asset system. Validated when the host starts.</summary>
public sealed class AssetOptions
{
    /// <summary>Gets or sets the largest asset, in bytes.</summary>
    /// <value>The default value is 100 MiB.</value>
    [Range(1L, long.MaxValue)]
    public long MaxAssetBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// Gets the media types that may be uploaded: exact (<c>application/pdf</c>) or by family (<c>image/*</c>). Empty
    /// allows every type; whatever the type, nothing is served so that a browser runs it.
    /// </summary>
    public IList<string> AllowedMediaTypes { get; } = [];

    /// <summary>
    /// Gets the media types served for display in the browser (<c>Content-Disposition: inline</c>); everything else is
    /// served as a download. SVG, HTML, XML and script types are refused here.
    /// </summary>
    /// <value>The default value is PNG, JPEG, GIF and WebP images.</value>
    public IList<string> InlineMediaTypes { get; } = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    /// <summary>Gets or sets the most bytes one space (a room's library or an account's own space) may hold, pending uploads included.</summary>
    /// <value>The default value is 1 GiB.</value>
    [Range(1L, long.MaxValue)]
    public long QuotaBytesPerScope { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Gets or sets how long a download URL works after it is handed out.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long a reserved upload (and its upload URL) waits to be completed before it is swept.</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan PendingLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how often the sweeper removes lapsed reservations and deleted assets.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the most assets one sweep removes; the rest wait for the next sweep.</summary>
    /// <value>The default value is 100.</value>
    [Range(1, 100_000)]
    public int SweepBatchSize { get; set; } = 100;

    /// <summary>Gets or sets the longest file or folder name, in UTF-16 code units after NFC normalization.</summary>
    /// <value>The default value is 255.</value>
    [Range(1, 4_096)]
    public int MaxNameLength { get; set; } = 255;

    /// <summary>Gets or sets how deep folders may nest.</summary>
    /// <value>The default value is 16.</value>
    [Range(1, 256)]
    public int MaxFolderDepth { get; set; } = 16;

    /// <summary>Gets or sets the largest listing page.</summary>
    /// <value>The default value is 500.</value>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 500;
}
