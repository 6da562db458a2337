namespace Conversations.Protocol;

/// <summary>The result of deleting a folder: how many assets went with it.</summary>
internal sealed class AssetDeleteResult
{
    public int Deleted { get; set; }
}
