namespace Conversations.Protocol;

// The arguments of the asset commands (docs/protocol.md, "Assets").
internal sealed partial class ClientFrame
{
    public string? AssetId { get; set; }

    public AssetScope? Scope { get; set; }

    public string? Folder { get; set; }

    public string? Path { get; set; }

    public string? NewPath { get; set; }

    public string? MediaType { get; set; }

    public long? Size { get; set; }

    public string? Sha256 { get; set; }

    public string? Cursor { get; set; }

    public MessageRef? Via { get; set; }
}
