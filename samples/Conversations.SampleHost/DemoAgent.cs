using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Options;

namespace Conversations.SampleHost;

/// <summary>Options of the offline demo agent.</summary>
public sealed class DemoAgentOptions
{
    /// <summary>The agent's account id.</summary>
    public string AccountId { get; set; } = "assistant";

    /// <summary>The agent's display name.</summary>
    public string DisplayName { get; set; } = "Assistant";

    /// <summary><c>offline</c> (this deterministic agent) or <c>chat-client</c> (a real model, wired by Conversations.AI).</summary>
    public string Mode { get; set; } = "offline";

    /// <summary>The pause before each streamed word; zero streams as fast as possible.</summary>
    public TimeSpan WordDelay { get; set; } = TimeSpan.FromMilliseconds(60);

    /// <summary>The pause while "thinking", with the typing indicator on.</summary>
    public TimeSpan ThinkingDelay { get; set; } = TimeSpan.FromMilliseconds(400);
}

/// <summary>
/// A deterministic agent that needs no network: it reads the conversation's history, builds a reply from it,
/// and streams that reply word by word, showing typing while it thinks.
/// </summary>
public sealed class DemoAgent(IOptions<DemoAgentOptions> options, TimeProvider time, ILogger<DemoAgent> logger) : IFlowEngine
{
    private readonly DemoAgentOptions _options = options.Value;

    /// <inheritdoc />
    public async ValueTask RunAsync(FlowContext context, CancellationToken cancellationToken)
    {
        if (context.Trigger.Message is not { } message || message.SenderKind != AccountKind.User)
        {
            return; // a new conversation, or another agent speaking: stay quiet
        }

        Log.AgentTriggered(logger, context.Agent.Id, context.Trigger.Conversation.Id, message.Sequence);
        await context.SetTypingAsync(true, cancellationToken).ConfigureAwait(false);
        try
        {
            if (_options.ThinkingDelay > TimeSpan.Zero)
            {
                await Task.Delay(_options.ThinkingDelay, time, cancellationToken).ConfigureAwait(false);
            }

            var history = await context.GetHistoryAsync(HistoryQuery.Latest(200), cancellationToken).ConfigureAwait(false);
            var participants = await context.GetParticipantsAsync(cancellationToken).ConfigureAwait(false);
            var senderName = participants.FirstOrDefault(p => p.AccountId == message.SenderId)?.DisplayName ?? message.SenderId;
            var reply = Compose(message, history.Messages, senderName);
            if (context.Trigger.Kind == FlowTriggerKind.Regenerate)
            {
                reply = "Let me try that again. " + reply;
            }

            // Replies are markdown: the page renders it safely.
            var request = new StreamMessageRequest { ReplyToId = message.Id, Format = MessageFormat.Markdown };
            await context.StreamReplyAsync(Words(reply, cancellationToken), request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await context.SetTypingAsync(false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Builds the reply to <paramref name="message"/> from the conversation's history.</summary>
    public static string Compose(Message message, IReadOnlyList<Message> history, string senderName)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(history);
        var text = message.Text?.Trim() ?? string.Empty;
        var lower = text.ToLowerInvariant();
        var fromPeople = history.Where(m => m.SenderKind == AccountKind.User && m.DeletedAt is null).ToList();
        var words = fromPeople.Sum(m => CountWords(m.Text));
        var people = fromPeople.Select(m => m.SenderId).Distinct(StringComparer.Ordinal).Count();

        var sb = new StringBuilder();
        if (lower.Contains("markdown", StringComparison.Ordinal))
        {
            sb.Append("## What I can format\n\n");
            sb.Append("Replies are **markdown**: *emphasis*, `inline code`, lists and links.\n\n");
            sb.Append("- one item\n- another item\n\n");
            sb.Append("```\nvar answer = 42;\n```\n\n");
            sb.Append("Read more at https://commonmark.org");
        }
        else if (lower.Contains("help", StringComparison.Ordinal))
        {
            sb.Append("I am the offline demo assistant. I read this conversation and answer from it, without any network. ");
            sb.Append("Try \"summary\", \"hello\", \"markdown\", or ask me anything and I will quote it back. ");
            sb.Append("Set DemoAgent:Mode to chat-client to put a real model in my place.");
        }
        else if (lower.Contains("summary", StringComparison.Ordinal) || lower.Contains("summarize", StringComparison.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"So far {people} {(people == 1 ? "person has" : "people have")} written {fromPeople.Count} {(fromPeople.Count == 1 ? "message" : "messages")} with {words} words in this conversation. ");
            var first = fromPeople.FirstOrDefault();
            if (first is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"It began with \"{Shorten(first.Text)}\".");
            }
        }
        else if (lower.StartsWith("hello", StringComparison.Ordinal) || lower.StartsWith("hi", StringComparison.Ordinal) || lower.StartsWith("hey", StringComparison.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"Hello, {senderName}! Nice to meet you. Type \"help\" to see what I can do.");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"You said: \"{Shorten(text)}\". ");
            sb.Append(CultureInfo.InvariantCulture, $"That is message {fromPeople.Count} from people here, and {words} words in all. ");
            sb.Append("I am a demo, so I only reflect what I read; ask for a \"summary\" or \"help\".");
        }

        return sb.ToString();
    }

    private async IAsyncEnumerable<string> Words(string reply, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parts = reply.Split(' ');
        for (var i = 0; i < parts.Length; i++)
        {
            if (_options.WordDelay > TimeSpan.Zero)
            {
                await Task.Delay(_options.WordDelay, time, cancellationToken).ConfigureAwait(false);
            }

            yield return i == 0 ? parts[i] : " " + parts[i];
        }
    }

    private static int CountWords(string? text) =>
        string.IsNullOrWhiteSpace(text) ? 0 : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static string Shorten(string? text)
    {
        text ??= string.Empty;
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
    }
}
