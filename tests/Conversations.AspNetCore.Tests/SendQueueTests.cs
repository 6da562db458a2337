using Conversations.Internal;
using FluentAssertions;
using Xunit;

namespace Conversations.AspNetCore.Tests;

/// <summary>A connection's send queue: bounded by a count, producers wait for room, one reader, nothing lost or repeated.</summary>
public sealed class SendQueueTests
{
    [Fact]
    public void A_full_queue_refuses_without_waiting_and_takes_again_once_read()
    {
        var queue = new SendQueue(capacity: 2);

        queue.TryEnqueue(Frame(1)).Should().BeTrue();
        queue.TryEnqueue(Frame(2)).Should().BeTrue();
        queue.TryEnqueue(Frame(3)).Should().BeFalse();
        queue.Count.Should().Be(2);

        queue.TryPeek(out var peeked).Should().BeTrue();
        Number(peeked).Should().Be(1);
        queue.TryRead(out var first).Should().BeTrue();
        Number(first).Should().Be(1);
        queue.TryEnqueue(Frame(3)).Should().BeTrue();
        queue.Count.Should().Be(2);
    }

    [Fact]
    public async Task A_producer_waits_for_room_and_is_woken_by_the_reader()
    {
        var queue = new SendQueue(capacity: 1);
        queue.TryEnqueue(Frame(1)).Should().BeTrue();

        var waiting = queue.EnqueueAsync(Frame(2), CancellationToken.None).AsTask();
        waiting.IsCompleted.Should().BeFalse();
        queue.TryRead(out _).Should().BeTrue();

        (await waiting).Should().BeTrue();
        queue.TryRead(out var second).Should().BeTrue();
        Number(second).Should().Be(2);
    }

    [Fact]
    public async Task Completing_wakes_waiting_producers_with_false_and_refuses_new_frames()
    {
        var queue = new SendQueue(capacity: 1);
        queue.TryEnqueue(Frame(1)).Should().BeTrue();
        var waiting = queue.EnqueueAsync(Frame(2), CancellationToken.None).AsTask();

        queue.Complete();

        (await waiting).Should().BeFalse();
        queue.TryEnqueue(Frame(3)).Should().BeFalse();
        queue.TryRead(out var left).Should().BeTrue();
        Number(left).Should().Be(1);
        (await queue.WaitToReadAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task A_producer_that_waits_too_long_is_cancelled()
    {
        var queue = new SendQueue(capacity: 1);
        queue.TryEnqueue(Frame(1)).Should().BeTrue();
        using var cancel = new CancellationTokenSource();

        var waiting = queue.EnqueueAsync(Frame(2), cancel.Token).AsTask();
        await cancel.CancelAsync();

        await waiting.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
        queue.Count.Should().Be(1);
    }

    [Fact]
    public async Task Many_producers_and_one_reader_lose_nothing_repeat_nothing_and_keep_each_producers_order()
    {
        const int Producers = 8;
        const int Each = 2_000;
        var queue = new SendQueue(capacity: 16);
        var seen = new List<int>[Producers];
        for (var p = 0; p < Producers; p++)
        {
            seen[p] = [];
        }

        var reading = Task.Run(async () =>
        {
            var total = 0;
            while (total < Producers * Each && await queue.WaitToReadAsync())
            {
                while (queue.TryRead(out var frame))
                {
                    var n = Number(frame);
                    seen[n / Each].Add(n % Each);
                    total++;
                }
            }

            return total;
        });
        var producing = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                if (!queue.TryEnqueue(Frame((p * Each) + i)))
                {
                    (await queue.EnqueueAsync(Frame((p * Each) + i), CancellationToken.None)).Should().BeTrue();
                }
            }
        })).ToArray();

        await Task.WhenAll(producing);
        (await reading).Should().Be(Producers * Each);
        foreach (var order in seen)
        {
            order.Should().Equal(Enumerable.Range(0, Each));
        }

        queue.Count.Should().Be(0);
    }

    private static OutboundFrame Frame(int number) => new(BitConverter.GetBytes(number));

    private static int Number(OutboundFrame frame) => BitConverter.ToInt32(frame.Bytes);
}
