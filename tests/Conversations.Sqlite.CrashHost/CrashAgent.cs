using System.Globalization;

namespace Conversations.Sqlite.CrashHost;

/// <summary>
/// An agent that streams a fixed, checkable reply word by word, reporting its progress on standard output (and, when
/// given one, as START/END lines in a runs file shared with other processes).
/// </summary>
internal sealed class CrashAgent(string? runsFile) : IFlowEngine
{
    public const string AccountId = "assistant";

    private static readonly string[] Words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

    /// <summary>The whole reply the agent gives to a message.</summary>
    public static string ReplyTo(string text) => $"Answer to {text}:" + string.Concat(Words.Select(w => " " + w));

    public async ValueTask RunAsync(FlowContext context, CancellationToken cancellationToken)
    {
        if (context.Trigger.Message is not { } message)
        {
            return;
        }

        var sequence = message.Sequence.ToString(CultureInfo.InvariantCulture);
        Record($"START {context.Trigger.Conversation.Id} {sequence} {Environment.ProcessId} {context.Trigger.Attempt}");
        if (message.Text.StartsWith("hold ", StringComparison.Ordinal) && context.Trigger.Attempt == 1)
        {
            // A test kills the process running this first attempt: hold it until then, however slow the machine is.
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        var reply = await context.StreamReplyAsync(ChunksAsync(message.Text, sequence, cancellationToken), cancellationToken: cancellationToken);
        Console.Out.WriteLine($"DONE {sequence} {reply.Id} {context.Trigger.Conversation.Id}");
        Record($"END {context.Trigger.Conversation.Id} {sequence} {Environment.ProcessId}");
    }

    private static async IAsyncEnumerable<string> ChunksAsync(string text, string sequence, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return $"Answer to {text}:";
        for (var i = 0; i < Words.Length; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(15), cancellationToken);
            Console.Out.WriteLine($"DELTA {sequence} {i}");
            yield return " " + Words[i];
        }
    }

    private void Record(string line)
    {
        Console.Out.WriteLine(line);
        if (runsFile is not null)
        {
            // Several processes append to the file: each takes the file's lock for its line (an append alone is not
            // atomic across processes here, and a line written over another would read as a missing step).
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var file = new FileStream(runsFile, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);
                    file.Seek(0, SeekOrigin.End);
                    file.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
                    return;
                }
                catch (IOException) when (attempt < 10_000)
                {
                    Thread.Sleep(1);
                }
            }
        }
    }
}
