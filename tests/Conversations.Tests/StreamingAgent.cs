namespace Conversations.TestSupport;

/// <summary>
/// An agent that streams a first chunk, says so, then waits for more words until it is cancelled (at most two minutes,
/// so a test whose cancellation never comes fails on its assertions instead of hanging). Shared by the in-process and
/// the Redis reply-control tests.
/// </summary>
internal sealed class StreamingAgent
{
    public TaskCompletionSource<Message> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask RunAsync(FlowContext context, CancellationToken cancellationToken)
    {
        if (context.Trigger.Message is null)
        {
            return;
        }

        await using var stream = await context.BeginStreamAsync(cancellationToken: cancellationToken);
        await stream.AppendAsync("Once upon a time", cancellationToken);
        Started.TrySetResult(stream.Message);
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(2), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Cancelled.TrySetResult();
            throw;
        }
    }
}
