using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Conversations.AI.Internal;

/// <summary>Turns a conversation's log into the chat history a model reads.</summary>
internal static class ChatHistoryBuilder
{
    private const int MaxDataCharacters = 2_000;

    public static async Task<List<ChatMessage>> BuildAsync(
        IReadOnlyList<Message> log,
        string agentId,
        IReadOnlyDictionary<string, string> names,
        ChatClientAgentOptions options,
        Func<Message, Attachment, Task<AIContent?>>? attachmentContent = null)
    {
        var sources = new Dictionary<ChatMessage, Message>();
        var turns = new List<ChatMessage>();
        foreach (var message in log)
        {
            // Deleted messages have no content; failed and unfinished ones are not something anyone said.
            if (message.IsDeleted || message.Status is not (MessageStatus.Complete or MessageStatus.Stopped))
            {
                continue;
            }

            var own = string.Equals(message.SenderId, agentId, StringComparison.Ordinal) && message.SenderKind == AccountKind.Agent;
            var name = names.TryGetValue(message.SenderId, out var displayName) ? displayName : message.SenderId;
            var text = Describe(message);
            if (text.Length == 0)
            {
                continue;
            }

            var turn = own
                ? new ChatMessage(ChatRole.Assistant, text)
                : new ChatMessage(ChatRole.User, options.IncludeNamesInText ? $"[{name}] {text}" : text) { AuthorName = SanitizeName(name) };
            turns.Add(turn);
            sources[turn] = message;
        }

        Trim(turns, options);

        // Attachment content only for the turns that survived trimming: the bytes are read on demand.
        if (attachmentContent is not null)
        {
            foreach (var turn in turns)
            {
                foreach (var attachment in sources[turn].Attachments)
                {
                    if (await attachmentContent(sources[turn], attachment).ConfigureAwait(false) is { } content)
                    {
                        turn.Contents.Add(content);
                    }
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(options.Instructions))
        {
            turns.Insert(0, new ChatMessage(ChatRole.System, options.Instructions));
        }

        return turns;
    }

    /// <summary>The message as text: its text, then a line per attachment, then its structured data.</summary>
    public static string Describe(Message message)
    {
        var text = new StringBuilder(message.Text);
        foreach (var attachment in message.Attachments)
        {
            AppendLine(text, string.Create(CultureInfo.InvariantCulture, $"[attachment: {attachment.Name}, {attachment.MediaType}, {attachment.Size} bytes]"));
        }

        if (message.Data is { } data)
        {
            var json = data.GetRawText();
            AppendLine(text, $"[data: {(json.Length > MaxDataCharacters ? json[..MaxDataCharacters] + "…" : json)}]");
        }

        return text.ToString();
    }

    /// <summary>
    /// Author names are limited by some providers to letters, digits, '_' and '-', up to 64 characters.
    /// </summary>
    public static string SanitizeName(string name)
    {
        var clean = new StringBuilder(Math.Min(name.Length, 64));
        foreach (var c in name)
        {
            if (clean.Length == 64)
            {
                break;
            }

            clean.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return clean.Length == 0 ? "participant" : clean.ToString();
    }

    private static void Trim(List<ChatMessage> turns, ChatClientAgentOptions options)
    {
        if (turns.Count > options.MaxHistoryMessages)
        {
            turns.RemoveRange(0, turns.Count - options.MaxHistoryMessages);
        }

        var tokens = turns.Sum(EstimateTokens);
        while (turns.Count > 1 && tokens > options.MaxHistoryTokens)
        {
            tokens -= EstimateTokens(turns[0]);
            turns.RemoveAt(0);
        }
    }

    private static int EstimateTokens(ChatMessage message) => ((message.Text?.Length ?? 0) / 4) + 4;

    private static void AppendLine(StringBuilder text, string line)
    {
        if (text.Length > 0)
        {
            text.Append('\n');
        }

        text.Append(line);
    }
}
