using System.Diagnostics.Metrics;

namespace Conversations.Internal;

/// <summary>The asset counters, on the engine's meter.</summary>
internal static class AssetMetrics
{
    private static readonly Counter<long> s_uploads = ConversationsDiagnostics.Meter.CreateCounter<long>(ConversationsDiagnostics.AssetsUploaded, "{asset}", "Uploads completed.");
    private static readonly Counter<long> s_bytes = ConversationsDiagnostics.Meter.CreateCounter<long>(ConversationsDiagnostics.AssetBytesUploaded, "By", "Bytes of completed uploads.");
    private static readonly Counter<long> s_links = ConversationsDiagnostics.Meter.CreateCounter<long>(ConversationsDiagnostics.AssetLinksIssued, "{link}", "Download links handed out.");
    private static readonly Counter<long> s_swept = ConversationsDiagnostics.Meter.CreateCounter<long>(ConversationsDiagnostics.AssetsSwept, "{asset}", "Lapsed reservations and deleted assets removed.");

    public static void Uploaded(long bytes)
    {
        s_uploads.Add(1);
        s_bytes.Add(bytes);
    }

    public static void LinkIssued() => s_links.Add(1);

    public static void Swept(int count) => s_swept.Add(count);
}
