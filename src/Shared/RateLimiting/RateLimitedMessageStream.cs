using System.Text.Json;

namespace Conversations.Internal;

/// <summary>A <see cref="MessageStream"/> that takes a rate-limit permit before each non-empty append.</summary>
internal sealed class RateLimitedMessageStream(MessageStream inner, Account caller, Action<Account, RateLimitOperation> acquire) : MessageStream
{
    public override Message Message => inner.Message;

    public override string Text => inner.Text;

    public override bool IsClosed => inner.IsClosed;

    public override Task AppendAsync(string delta, CancellationToken cancellationToken = default)
    {
        // Empty chunks are ignored by every stream, so they cost nothing; a closed stream reports its own error.
        if (!string.IsNullOrEmpty(delta) && !inner.IsClosed)
        {
            acquire(caller, RateLimitOperation.StreamAppends);
        }

        return inner.AppendAsync(delta, cancellationToken);
    }

    public override Task<Message> CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

    public override Task<Message> CompleteAsync(JsonElement data, CancellationToken cancellationToken = default) => inner.CompleteAsync(data, cancellationToken);

    public override Task<Message> FailAsync(CancellationToken cancellationToken = default) => inner.FailAsync(cancellationToken);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2215:Dispose methods should call base class dispose", Justification = "The inner stream owns the disposal (failing an open stream); the base would only repeat it through FailAsync.")]
    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
