using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Conversations.AI.Internal;

/// <summary>The flow of one chat-client agent: read the log, ask the model, stream the answer back.</summary>
internal sealed class ChatClientFlowEngine(
    string agentId,
    IChatClient client,
    ChatClientAgentOptions options,
    TimeProvider timeProvider,
    ILogger logger) : IFlowEngine
{
    public async ValueTask RunAsync(FlowContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var trigger = context.Trigger;
        if (trigger.Kind == FlowTriggerKind.ConversationCreated)
        {
            if (options.Greeting is { Length: > 0 } greeting)
            {
                await context.PostAsync(new PostMessageRequest { Text = greeting, Format = options.ReplyFormat }, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        using var timeout = options.Timeout is { } limit ? new CancellationTokenSource(limit, timeProvider) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;

        await context.SetTypingAsync(true, token).ConfigureAwait(false);
        try
        {
            var history = await BuildHistoryAsync(context, token).ConfigureAwait(false);
            Log.Requesting(logger, agentId, trigger.Conversation.Id, history.Count);
            await StreamReplyAsync(context, history, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UnavailableException($"The model of agent '{agentId}' did not answer within {options.Timeout}.");
        }
        finally
        {
            await context.SetTypingAsync(false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<List<ChatMessage>> BuildHistoryAsync(FlowContext context, CancellationToken cancellationToken)
    {
        // Read backwards from the trigger, page by page, until the count is reached or the log begins.
        var log = new List<Message>();
        long before = context.Trigger.Sequence + 1;
        while (log.Count < options.MaxHistoryMessages)
        {
            var page = await context.GetHistoryAsync(new HistoryQuery { Before = before, Limit = Math.Min(100, options.MaxHistoryMessages - log.Count) }, cancellationToken).ConfigureAwait(false);
            log.InsertRange(0, page.Messages);
            if (!page.HasMore || page.Messages.Count == 0)
            {
                break;
            }

            before = page.Messages[0].Sequence;
        }

        var participants = await context.GetParticipantsAsync(cancellationToken).ConfigureAwait(false);
        var names = participants.ToDictionary(p => p.AccountId, p => p.DisplayName ?? p.AccountId, StringComparer.Ordinal);
        return await ChatHistoryBuilder.BuildAsync(
            log,
            agentId,
            names,
            options,
            options.AttachmentContent == AttachmentContentMode.Describe ? null : (m, a) => AttachmentContentAsync(context, m, a, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// An attachment as model content, read as the agent through the message that carries it; <see langword="null"/>
    /// (described in text only) when its type or size is not allowed or the agent may not read it.
    /// </summary>
    private async Task<AIContent?> AttachmentContentAsync(FlowContext context, Message message, Attachment attachment, CancellationToken cancellationToken)
    {
        if (attachment.AssetId.Length == 0 || !AllowedType(attachment.MediaType) || context.Services.GetService(typeof(IAssetService)) is not IAssetService assets)
        {
            return null;
        }

        var via = new MessageRef { ConversationId = message.ConversationId, MessageId = message.Id };
        try
        {
            if (options.AttachmentContent == AttachmentContentMode.Uri)
            {
                var link = await assets.GetDownloadAsync(context.Agent, attachment.AssetId, via, cancellationToken).ConfigureAwait(false);
                if (System.Uri.TryCreate(link.Url, UriKind.Absolute, out var uri) && (uri.Scheme == System.Uri.UriSchemeHttps || uri.Scheme == System.Uri.UriSchemeHttp))
                {
                    return new UriContent(uri, attachment.MediaType);
                }
            }

            if (attachment.Size > options.MaxAttachmentBytes)
            {
                return null;
            }

            var stream = await assets.OpenReadAsync(context.Agent, attachment.AssetId, via, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                return new DataContent(buffer.ToArray(), attachment.MediaType) { Name = attachment.Name };
            }
        }
        catch (ConversationsException e)
        {
            Log.AttachmentSkipped(logger, e, attachment.AssetId, agentId);
            return null;
        }
    }

    private bool AllowedType(string mediaType)
    {
        foreach (var pattern in options.AttachmentMediaTypes)
        {
            if (string.Equals(pattern, mediaType, StringComparison.OrdinalIgnoreCase)
                || (pattern.EndsWith("/*", StringComparison.Ordinal) && mediaType.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private async Task StreamReplyAsync(FlowContext context, List<ChatMessage> history, CancellationToken cancellationToken)
    {
        var stream = await context.BeginStreamAsync(
            new StreamMessageRequest { ReplyToId = context.Trigger.Message?.Id, Format = options.ReplyFormat },
            cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var updates = new List<ChatResponseUpdate>();
            try
            {
                await foreach (var update in client.GetStreamingResponseAsync(history, options.ChatOptions?.Clone(), cancellationToken).ConfigureAwait(false))
                {
                    updates.Add(update);
                    if (update.Text is { Length: > 0 } text)
                    {
                        await stream.AppendAsync(text, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (stream.IsClosed)
            {
                // A participant stopped the reply (it is stored with the text so far): not a model failure.
                throw new OperationCanceledException("The reply was stopped.", ex, cancellationToken);
            }
            catch (Exception ex)
            {
                Log.ModelFailed(logger, ex, agentId, context.Trigger.Conversation.Id);
                await stream.FailAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            var response = updates.ToChatResponse();
            await stream.CompleteAsync(Describe(response), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>What the reply's structured data records: the model that answered, and the tokens it used.</summary>
    private static JsonElement Describe(ChatResponse response)
    {
        var data = new JsonObject { ["agent"] = "chat-client" };
        if (response.ModelId is { } model)
        {
            data["model"] = model;
        }

        if (response.Usage is { } usage)
        {
            data["usage"] = new JsonObject
            {
                ["inputTokens"] = usage.InputTokenCount,
                ["outputTokens"] = usage.OutputTokenCount,
                ["totalTokens"] = usage.TotalTokenCount,
            };
        }

        return JsonSerializer.SerializeToElement(data, ConversationsAIJsonContext.Default.JsonObject);
    }
}
