using System.Text.Json;
using Conversations.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>What every service shares: the store, the clock, the limits, and the checks.</summary>
internal sealed class EngineCore(
    ConversationStore store,
    TimeProvider timeProvider,
    IOptions<ConversationsOptions> options,
    ILoggerFactory loggerFactory)
{
    public ConversationStore Store { get; } = store;

    public TimeProvider Time { get; } = timeProvider;

    public ConversationsOptions Options { get; } = options.Value;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Gets the participations authorized recently (see <see cref="ConversationsOptions.AuthorizationCacheDuration"/>).</summary>
    public ParticipantCache Participants { get; } = new(timeProvider, options.Value.AuthorizationCacheDuration);

    // Conversations never move between rooms and are never deleted: once read, what routing needs of one stays true.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string ConversationId, string MessageId), byte> _knownMessages = new();
    private int _knownMessageCount;

    /// <summary>
    /// Gets this engine's owner id in trigger and stream leases: the instance name and a value unique to this start, so a
    /// restarted process never mistakes its predecessor's leases for its own.
    /// </summary>
    public string OwnerId { get; } = (options.Value.InstanceName ?? Environment.MachineName) + "/" + Guid.NewGuid().ToString("N");

    public string NewId() => Guid.CreateVersion7(Time.GetUtcNow()).ToString("N");

    /// <summary>Checks an identifier that names something: non-empty, bounded, no control characters.</summary>
    public void ValidateId(string? value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length == 0 || string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidArgumentException($"'{name}' must not be empty.");
        }

        if (value.Length > Options.MaxIdLength)
        {
            throw new InvalidArgumentException($"'{name}' is longer than {Options.MaxIdLength} characters.");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new InvalidArgumentException($"'{name}' must not contain control characters.");
            }
        }
    }

    public void ValidateName(string? value, string name)
    {
        if (value is not null && value.Length > Options.MaxNameLength)
        {
            throw new LimitExceededException($"'{name}' is longer than {Options.MaxNameLength} characters.");
        }
    }

    public static void ValidateCaller(Account caller) => ArgumentNullException.ThrowIfNull(caller);

    public void ValidateText(string? text)
    {
        if (text is not null && text.Length > Options.MaxTextLength)
        {
            throw new LimitExceededException($"The text is {text.Length} characters long; the limit is {Options.MaxTextLength}.");
        }
    }

    public void ValidateAttachments(IReadOnlyList<Attachment>? attachments)
    {
        if (attachments is null)
        {
            return;
        }

        if (attachments.Count > Options.MaxAttachmentsPerMessage)
        {
            throw new LimitExceededException($"A message may carry {Options.MaxAttachmentsPerMessage} attachments; this one has {attachments.Count}.");
        }

        for (var i = 0; i < attachments.Count; i++)
        {
            var a = attachments[i] ?? throw new InvalidArgumentException($"Attachment {i} is null.");
            if (string.IsNullOrWhiteSpace(a.AssetId))
            {
                throw new InvalidArgumentException($"Attachment {i} needs an asset id: upload the file as an asset and attach its id.");
            }

            ValidateId(a.AssetId, $"attachments[{i}].assetId");
        }
    }

    public void ValidateData(JsonElement? data)
    {
        if (data is not { } element)
        {
            return;
        }

        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            throw new InvalidArgumentException($"Structured data must be a JSON object or array, not {element.ValueKind}.");
        }

        // GetRawText is the element's exact UTF-16 text; its UTF-8 size bounds what the store keeps.
        var size = System.Text.Encoding.UTF8.GetByteCount(element.GetRawText());
        if (size > Options.MaxDataBytes)
        {
            throw new LimitExceededException($"Structured data is {size} bytes; the limit is {Options.MaxDataBytes}.");
        }
    }

    public static void ValidateEnum<TEnum>(TEnum value, string name)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new InvalidArgumentException($"'{name}' has an unknown value {value}.");
        }
    }

    public async ValueTask<Room> GetRoomAsync(string roomId, CancellationToken cancellationToken) =>
        await Store.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false)
        ?? throw new NotFoundException($"Room '{roomId}' does not exist.");

    public async ValueTask<Conversation> GetConversationAsync(string conversationId, CancellationToken cancellationToken) =>
        await Store.GetConversationAsync(conversationId, cancellationToken).ConfigureAwait(false)
        ?? throw new NotFoundException($"Conversation '{conversationId}' does not exist.");

    /// <summary>
    /// Returns a conversation for what never changes in it — its id, room, creator and creation time — from memory once it
    /// was read; its <see cref="Conversation.Title"/> and <see cref="Conversation.LastSequence"/> may be out of date.
    /// </summary>
    public async ValueTask<Conversation> GetKnownConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        if (_conversations.TryGetValue(conversationId, out var known))
        {
            return known;
        }

        var conversation = await GetConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        if (_conversations.Count >= 100_000)
        {
            _conversations.Clear();
        }

        _conversations.TryAdd(conversationId, conversation);
        return conversation;
    }

    /// <summary>
    /// Remembers that a message exists in a conversation. Messages are never removed from the store (a deleted one keeps
    /// its place), so once seen a message id stays valid to reply to; recently seen ones spare a store read.
    /// </summary>
    public void RememberMessage(string conversationId, string messageId)
    {
        // Counted here: ConcurrentDictionary.Count takes every lock of the table, which cost a twentieth of the server's
        // CPU when it was read for each post.
        if (_knownMessages.TryAdd((conversationId, messageId), 0) && Interlocked.Increment(ref _knownMessageCount) > 100_000)
        {
            Interlocked.Exchange(ref _knownMessageCount, 0);
            _knownMessages.Clear();
        }
    }

    /// <summary>Whether a message is in a conversation: from memory when this engine stored or read it recently, else from the store.</summary>
    public async ValueTask<bool> MessageExistsAsync(string conversationId, string messageId, CancellationToken cancellationToken)
    {
        if (_knownMessages.ContainsKey((conversationId, messageId)))
        {
            return true;
        }

        if (await Store.GetMessageAsync(conversationId, messageId, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        RememberMessage(conversationId, messageId);
        return true;
    }

    /// <summary>Returns an account's participation in a room (recently read ones from memory), or <see langword="null"/>.</summary>
    public async ValueTask<Participant?> GetParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken)
    {
        if (Participants.TryGet(roomId, accountId, out var cached))
        {
            return cached;
        }

        var generation = Participants.Generation;
        var participant = await Store.GetParticipantAsync(roomId, accountId, cancellationToken).ConfigureAwait(false);
        if (participant is not null)
        {
            Participants.Add(participant, generation);
        }

        return participant;
    }

    /// <summary>
    /// Returns the caller's participation in the room, or <see langword="null"/> for the system account;
    /// throws <see cref="ForbiddenException"/> for anyone else, and when the caller's role is below <paramref name="minimumRole"/>.
    /// </summary>
    public async ValueTask<Participant?> AuthorizeAsync(Account caller, string roomId, ParticipantRole minimumRole, CancellationToken cancellationToken)
    {
        if (caller.IsSystem)
        {
            return null;
        }

        var participant = await GetParticipantAsync(roomId, caller.Id, cancellationToken).ConfigureAwait(false);
        if (participant is null || participant.Kind != caller.Kind)
        {
            throw new ForbiddenException($"'{caller.Id}' is not a participant of room '{roomId}'.");
        }

        if (participant.Role < minimumRole)
        {
            throw new ForbiddenException($"'{caller.Id}' is {participant.Role} in room '{roomId}'; this needs {minimumRole} or above.");
        }

        return participant;
    }

    public static bool IsAdmin(Account caller, Participant? participant) =>
        caller.IsSystem || participant?.Role >= ParticipantRole.Admin;
}
