using System.Text;
using System.Text.Json;
using Conversations.Internal;
using Conversations.Protocol;
using FluentAssertions;
using Xunit;

namespace Conversations.AspNetCore.Tests;

/// <summary>The server's frame writer reuses a buffer per thread: every frame must still be whole and its own.</summary>
public sealed class FrameWriterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 8, 30, 15, TimeSpan.Zero);

    [Fact]
    public void A_frame_larger_than_the_kept_buffer_and_the_small_frames_around_it_are_each_written_whole()
    {
        var small = Message("m1", "hi");
        var large = Message("m2", new string('x', 200_000));

        var before = FrameWriter.Ack("1", small, ProtocolJson.Default.Message);
        var big = FrameWriter.Ack("2", large, ProtocolJson.Default.Message);
        var after = FrameWriter.Ack("3", small, ProtocolJson.Default.Message);

        Read(before).Should().Be(("1", "hi"));
        Read(big).Should().Be(("2", large.Text));
        Read(after).Should().Be(("3", "hi"));
        Encoding.UTF8.GetString(after).Should().Be(Encoding.UTF8.GetString(before).Replace("\"id\":\"1\"", "\"id\":\"3\"", StringComparison.Ordinal), "nothing of the big frame is left in the next one");
    }

    [Fact]
    public async Task Frames_written_on_many_threads_at_once_are_each_their_own()
    {
        var frames = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            Enumerable.Range(0, 500).Select(i => (Id: $"{t}-{i}", Frame: FrameWriter.Ack($"{t}-{i}", Message($"m{t}-{i}", new string('y', i % 50 * 100)), ProtocolJson.Default.Message))).ToArray())));

        foreach (var (id, frame) in frames.SelectMany(f => f))
        {
            var (readId, text) = Read(frame);
            readId.Should().Be(id);
            text.Should().HaveLength(int.Parse(id.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture) % 50 * 100);
        }
    }

    private static Message Message(string id, string text) => new()
    {
        Id = id,
        RoomId = "r1",
        ConversationId = "c1",
        Sequence = 1,
        LastSequence = 1,
        SenderId = "u1",
        SenderKind = AccountKind.User,
        Text = text,
        CreatedAt = At,
    };

    private static (string Id, string Text) Read(byte[] frame)
    {
        using var document = JsonDocument.Parse(frame);
        document.RootElement.GetProperty("type").GetString().Should().Be("ack");
        return (document.RootElement.GetProperty("id").GetString()!, document.RootElement.GetProperty("result").GetProperty("text").GetString()!);
    }
}
