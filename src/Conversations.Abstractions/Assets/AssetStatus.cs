namespace Conversations;

/// <summary>Where an asset is in its life.</summary>
public enum AssetStatus
{
    /// <summary>Reserved: the upload was begun and its bytes are not yet checked. Not readable, not attachable.</summary>
    Pending = 0,

    /// <summary>Uploaded and checked: readable and attachable.</summary>
    Ready = 1,

    /// <summary>Deleted or expired: its bytes and its record are being removed. Not readable.</summary>
    Deleting = 2,
}
