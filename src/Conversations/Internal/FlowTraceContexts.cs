using System.Collections.Concurrent;
using System.Diagnostics;

namespace Conversations.Internal;

/// <summary>
/// Remembers, for the triggers a traced write recorded, the trace context of that write, so the flow run that answers it
/// continues the same trace (command → store append → flow → the agent's reply). In-process and bounded: a flow run on
/// another host, or long after, starts a trace of its own and carries the ids as attributes instead.
/// </summary>
internal static class FlowTraceContexts
{
    private const int Capacity = 10_000;
    private static readonly ConcurrentDictionary<string, ActivityContext> s_contexts = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<string> s_order = new();
    private static int s_count;

    /// <summary>The key of a message's triggers.</summary>
    public static string ForMessage(string messageId) => "m:" + messageId;

    /// <summary>The key of a new conversation's triggers.</summary>
    public static string ForConversation(string conversationId) => "c:" + conversationId;

    /// <summary>
    /// Remembers the current span for the triggers under <paramref name="key"/>; does nothing when nothing is traced. Called
    /// before the write, since a dispatcher may claim the triggers the moment they are committed.
    /// </summary>
    public static void Remember(string key)
    {
        if (Activity.Current is not { Recorded: true } activity)
        {
            return;
        }

        if (s_contexts.TryAdd(key, activity.Context))
        {
            // Counted here rather than by ConcurrentDictionary.Count, which takes every lock of the table.
            s_order.Enqueue(key);
            Interlocked.Increment(ref s_count);
            while (Volatile.Read(ref s_count) > Capacity && s_order.TryDequeue(out var oldest))
            {
                if (s_contexts.TryRemove(oldest, out _))
                {
                    Interlocked.Decrement(ref s_count);
                }
            }
        }
    }

    /// <summary>Returns the context remembered for a trigger, or the default context (no parent).</summary>
    public static ActivityContext Find(Storage.FlowTriggerRecord trigger) =>
        s_contexts.TryGetValue(trigger.MessageId is { } id ? ForMessage(id) : ForConversation(trigger.ConversationId), out var context) ? context : default;
}
