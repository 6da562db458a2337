namespace Conversations.SampleHost.Tests;

public sealed class DemoAgentTests
{
    private static Message Msg(long sequence, string sender, string text, AccountKind kind = AccountKind.User) => new()
    {
        Id = "m" + sequence, RoomId = "r", ConversationId = "c", Sequence = sequence, LastSequence = sequence,
        SenderId = sender, SenderKind = kind, Text = text, CreatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Summary_counts_people_messages_and_words_from_history()
    {
        var history = new[] { Msg(1, "alice", "one two three"), Msg(2, "assistant", "ignored words here", AccountKind.Agent), Msg(3, "bob", "summary please") };

        var reply = DemoAgent.Compose(history[2], history, "Bob");

        reply.Should().Be("So far 2 people have written 2 messages with 5 words in this conversation. It began with \"one two three\".");
    }

    [Fact]
    public void The_same_history_gives_the_same_reply()
    {
        var history = new[] { Msg(1, "alice", "what is the plan?") };

        DemoAgent.Compose(history[0], history, "Alice").Should().Be(DemoAgent.Compose(history[0], history, "Alice"))
            .And.Contain("what is the plan?");
    }
}
