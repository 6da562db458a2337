namespace Conversations.Storage;

/// <summary>The outcome of <see cref="ConversationStore.SetReadMarkerAsync"/>.</summary>
/// <param name="Marker">The stored marker.</param>
/// <param name="Moved"><see langword="true"/> when this call moved it forward.</param>
public readonly record struct ReadMarkerResult(ReadMarker Marker, bool Moved);
