using System.Threading.Channels;

namespace Conversations.Transport;

/// <summary>One subscriber's view of the bus.</summary>
/// <remarks>
/// Read from <see cref="Reader"/> on one task at a time. After an <see cref="EventBusItem.Overflow"/> marker
/// the subscription delivers again as soon as its buffer has room; events dropped in between must be
/// re-read from the store. Disposing completes <see cref="Reader"/>.
/// </remarks>
public abstract class EventBusSubscription : IDisposable
{
    /// <summary>Gets the reader of delivered items.</summary>
    public abstract ChannelReader<EventBusItem> Reader { get; }

    /// <summary>Stops the subscription.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the subscription.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);
}
