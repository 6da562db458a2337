using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conversations.Abstractions.Tests;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ParticipantSpec))]
[JsonSerializable(typeof(PostMessageRequest))]
[JsonSerializable(typeof(HistoryQuery))]
[JsonSerializable(typeof(CreateRoomRequest))]
internal sealed partial class RequestJsonContext : JsonSerializerContext;

/// <summary>Requests bound from JSON keep the documented defaults for members the JSON leaves out.</summary>
public sealed class RequestJsonTests
{
    [Fact]
    public void SourceGeneratedBinding_KeepsDefaults()
    {
        var spec = JsonSerializer.Deserialize("""{"accountId":"bob"}""", RequestJsonContext.Default.ParticipantSpec)!;
        (spec.Kind, spec.Role).Should().Be((AccountKind.User, ParticipantRole.Member));

        var post = JsonSerializer.Deserialize("""{"text":"hi"}""", RequestJsonContext.Default.PostMessageRequest)!;
        post.Attachments.Should().NotBeNull().And.BeEmpty();

        var empty = JsonSerializer.Deserialize("""{"data":{"a":1}}""", RequestJsonContext.Default.PostMessageRequest)!;
        empty.Text.Should().BeEmpty();

        JsonSerializer.Deserialize("{}", RequestJsonContext.Default.HistoryQuery)!.Limit.Should().Be(50);
        JsonSerializer.Deserialize("{}", RequestJsonContext.Default.CreateRoomRequest)!.Participants.Should().NotBeNull();
    }
}
