using System.Text.Json.Serialization.Metadata;

namespace Conversations.Protocol;

internal sealed partial class ProtocolJson
{
    public JsonTypeInfo<Asset> Asset => field ??= Get<Asset>();

    public JsonTypeInfo<AssetFolder> AssetFolder => field ??= Get<AssetFolder>();

    public JsonTypeInfo<AssetListing> AssetListing => field ??= Get<AssetListing>();

    public JsonTypeInfo<AssetDownload> AssetDownload => field ??= Get<AssetDownload>();

    public JsonTypeInfo<UploadTicket> UploadTicket => field ??= Get<UploadTicket>();

    public JsonTypeInfo<AssetDeleteResult> AssetDeleteResult => field ??= Get<AssetDeleteResult>();
}
