namespace Conversations.Internal;

/// <summary>
/// Keeps one caller's new messages in one conversation in the order of the calls: a post takes its turn when it is called
/// (before its first await), runs its checks alongside the posts before it, and hands its message to the store only after
/// the post before it has handed over its own. The store numbers messages in the order its append calls are made, so
/// sequences follow call order — and a client can pipeline posts without waiting for each commit.
/// </summary>
/// <remarks>Thread-safe. An entry lives only while a caller has posts in flight in that conversation.</remarks>
internal sealed class PostOrder
{
    private readonly Dictionary<(string Caller, string Conversation), Turn> _tails = [];
    private readonly Lock _gate = new();

    /// <summary>Takes the next turn of <paramref name="callerId"/> in <paramref name="conversationId"/>; dispose it once the append is handed to the store (or the post failed).</summary>
    public Turn Take(string callerId, string conversationId)
    {
        lock (_gate)
        {
            var key = (callerId, conversationId);
            _tails.TryGetValue(key, out var previous);
            var turn = new Turn(this, key, previous);
            _tails[key] = turn;
            return turn;
        }
    }

    private void Forget(Turn turn)
    {
        lock (_gate)
        {
            if (_tails.TryGetValue(turn.Key, out var tail) && ReferenceEquals(tail, turn))
            {
                _tails.Remove(turn.Key);
            }
        }
    }

    /// <summary>One post's place in its caller's order.</summary>
    internal sealed class Turn : IDisposable
    {
        private readonly PostOrder _order;
        private readonly TaskCompletionSource _handedOver = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Turn? _previous;
        private int _released;

        internal Turn(PostOrder order, (string, string) key, Turn? previous)
        {
            _order = order;
            Key = key;
            _previous = previous;
        }

        internal (string Caller, string Conversation) Key { get; }

        /// <summary>Completes when every earlier post of the caller in the conversation has handed its append to the store (or failed).</summary>
        public Task WaitAsync(CancellationToken cancellationToken) =>
            _previous is { } previous && !previous._handedOver.Task.IsCompleted ? previous._handedOver.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

        /// <summary>Passes the turn on: the append was handed to the store, or this post will not append.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            _order.Forget(this);
            var previous = Interlocked.Exchange(ref _previous, null);
            if (previous is null || previous._handedOver.Task.IsCompleted)
            {
                _handedOver.TrySetResult();
            }
            else
            {
                // This post gave up before its turn came (it failed or was cancelled): the next one still waits for the
                // posts before this one.
                previous._handedOver.Task.ContinueWith(static (_, state) => ((TaskCompletionSource)state!).TrySetResult(), _handedOver, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }
}
