using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Conversations.AI.Tests;

/// <summary>A scripted chat client: records each request and answers with the updates the script returns.</summary>
internal sealed class TestChatClient(Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> script) : IChatClient
{
    private readonly List<(List<ChatMessage> Messages, ChatOptions? Options)> _requests = [];

    public IReadOnlyList<(List<ChatMessage> Messages, ChatOptions? Options)> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    public static TestChatClient Replying(params string[] chunks) => new((_, _, ct) => Chunks(chunks, ct));

    public static async IAsyncEnumerable<ChatResponseUpdate> Chunks(IEnumerable<string> chunks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ModelId = "test-model" };
        }

        yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 11, OutputTokenCount = 7, TotalTokenCount = 18 })] };
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        lock (_requests)
        {
            _requests.Add((list, options));
        }

        return script(list, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
