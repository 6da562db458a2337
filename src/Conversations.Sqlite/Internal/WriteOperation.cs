namespace Conversations.Sqlite.Internal;

/// <summary>A write waiting for the writer loop; completes only after the batch that ran it committed.</summary>
internal abstract class WriteOperation(CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public Exception? Error { get; set; }

    public abstract void Run(SqliteSession session);

    public abstract void Complete();

    public abstract void Fail(Exception exception);
}

internal sealed class WriteOperation<T>(Func<SqliteSession, T> body, CancellationToken cancellationToken) : WriteOperation(cancellationToken)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Task => _completion.Task;

    public override void Run(SqliteSession session) => _result = body(session);

    public override void Complete()
    {
        if (Error is not null)
        {
            _completion.TrySetException(Error);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    public override void Fail(Exception exception)
    {
        if (exception is OperationCanceledException)
        {
            _completion.TrySetCanceled(CancellationToken);
        }
        else
        {
            _completion.TrySetException(exception);
        }
    }
}
