using System.Threading.Channels;

namespace Conversations.Internal;

/// <summary>
/// A connection's outgoing frames: many producers (subscription pumps, command answers), one sender at a time (whoever
/// holds the connection's send gate). A bounded channel takes one lock for every write, read and peek, and in a big room
/// the pumps and the sender contended for it on every delivery; this queue is an unbounded one-reader channel (its reads
/// and peeks take no lock) with the bound kept by a count, and producers that find it full wait for the sender to make
/// room.
/// </summary>
internal sealed class SendQueue(int capacity)
{
    private readonly Channel<OutboundFrame> _frames = Channel.CreateUnbounded<OutboundFrame>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
    });

    private int _count;
    private TaskCompletionSource? _room;
    private volatile bool _complete;

    /// <summary>Gets how many frames wait (the count also holds producers being turned away for a moment, hence the clamp).</summary>
    public int Count => Math.Min(Volatile.Read(ref _count), capacity);

    /// <summary>Queues a frame if there is room; <see langword="false"/> when the queue is full or complete.</summary>
    public bool TryEnqueue(OutboundFrame frame)
    {
        if (Interlocked.Increment(ref _count) <= capacity && _frames.Writer.TryWrite(frame))
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    /// <summary>Queues a frame, waiting for room; <see langword="false"/> once the queue is complete.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled while the queue stayed full.</exception>
    public async ValueTask<bool> EnqueueAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Register for the sender's signal before looking again, so room made in between is not missed.
            var room = Volatile.Read(ref _room) ?? Interlocked.CompareExchange(ref _room, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null) ?? _room!;
            if (TryEnqueue(frame))
            {
                return true;
            }

            if (_complete)
            {
                return false;
            }

            await room.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the next frame (the sender only).</summary>
    public bool TryRead(out OutboundFrame frame)
    {
        if (!_frames.Reader.TryRead(out frame))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        if (Volatile.Read(ref _room) is { } room && Interlocked.CompareExchange(ref _room, null, room) == room)
        {
            room.TrySetResult();
        }

        return true;
    }

    /// <summary>Looks at the next frame without taking it (the sender only).</summary>
    public bool TryPeek(out OutboundFrame frame) => _frames.Reader.TryPeek(out frame);

    /// <summary>Waits for a frame; <see langword="false"/> once the queue is complete and empty (for a reader that waits rather than being called).</summary>
    public ValueTask<bool> WaitToReadAsync() => _frames.Reader.WaitToReadAsync();

    /// <summary>Accepts no more frames and wakes producers waiting for room.</summary>
    public void Complete()
    {
        _complete = true;
        _frames.Writer.TryComplete();
        Interlocked.Exchange(ref _room, null)?.TrySetResult();
    }
}
