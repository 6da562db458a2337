using Conversations.Transport;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// Hands events to the bus after their change is stored, off the acknowledgement path: a slow, hung or failing bus
/// never delays or fails the caller. Subscribers that miss an event catch up from the store.
/// </summary>
/// <remarks>
/// Order is not established here: log events carry their sequence, and every reader follows the store's log order,
/// reading the store whenever a doorbell arrives ahead of what it has seen. At most
/// <see cref="ConversationsOptions.MaxPendingPublishes"/> publishes wait on a slow bus; past that, events are dropped.
/// </remarks>
internal sealed class EventPublisher(ConversationEventBus bus, EngineCore core, ILogger<EventPublisher> logger)
{
    private int _pending;

    /// <summary>Gets how many publishes are waiting on the bus.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Publishes an event; never throws and never waits for the bus.</summary>
    public void Publish(ConversationEvent conversationEvent)
    {
        if (Interlocked.Increment(ref _pending) > core.Options.MaxPendingPublishes)
        {
            Interlocked.Decrement(ref _pending);
            Log.PublishDropped(logger, conversationEvent.Type.Value, core.Options.MaxPendingPublishes);
            ConversationsDiagnostics.PublishesDroppedCounter.Add(1);
            return;
        }

        ValueTask publishing;
        try
        {
            publishing = bus.PublishAsync(conversationEvent, CancellationToken.None);
        }
#pragma warning disable CA1031 // The change is stored; a failing bus must not fail the caller. Subscribers catch up from the store.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Decrement(ref _pending);
            Log.PublishFailed(logger, ex, conversationEvent.Type.Value);
            return;
        }

        if (publishing.IsCompleted)
        {
            Observe(publishing, conversationEvent);
            return;
        }

        _ = WaitAsync(publishing, conversationEvent);
    }

    private void Observe(ValueTask publishing, ConversationEvent conversationEvent)
    {
        try
        {
            publishing.GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // As above: logged, never thrown at the writer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.PublishFailed(logger, ex, conversationEvent.Type.Value);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    private async Task WaitAsync(ValueTask publishing, ConversationEvent conversationEvent)
    {
        try
        {
            await publishing.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // As above: logged, never thrown at the writer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.PublishFailed(logger, ex, conversationEvent.Type.Value);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }
}
