using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>Pushes every published event to the registered <see cref="IConversationEventHandler"/>s, in publish order.</summary>
internal sealed class EventHandlerDispatcher : IDisposable
{
    private readonly IConversationEventHandler[] _handlers;
    private readonly KeyedSerialQueue<ConversationEvent> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;

    public EventHandlerDispatcher(IEnumerable<IConversationEventHandler> handlers, IOptions<ConversationsOptions> options, ILogger<EventHandlerDispatcher> logger)
    {
        _handlers = handlers.ToArray();
        _logger = logger;
        _queue = new KeyedSerialQueue<ConversationEvent>(HandleAsync, options.Value.EventHandlerQueueCapacity);
    }

    public void Enqueue(ConversationEvent conversationEvent)
    {
        if (_handlers.Length == 0 || _stopping.IsCancellationRequested)
        {
            return;
        }

        if (!_queue.TryEnqueue(string.Empty, conversationEvent, out var pending))
        {
            Log.HandlerEventDropped(_logger, conversationEvent.Type.Value, pending);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _queue.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task HandleAsync(string key, ConversationEvent conversationEvent)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.HandleAsync(conversationEvent, _stopping.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A handler's failure is logged and never reaches the publisher or other handlers.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.HandlerFailed(_logger, ex, handler.GetType().Name, conversationEvent.Type.Value);
            }
        }
    }
}
