namespace Conversations.Storage;

/// <summary>Who is writing a streaming message, and until when that claim holds unless renewed.</summary>
/// <param name="Owner">The writer's owner id: one engine instance (see <c>ConversationsOptions.InstanceId</c>).</param>
/// <param name="ExpiresAt">When the lease ends unless the owner renews it; after that, recovery may fail the stream.</param>
public readonly record struct StreamLease(string Owner, DateTimeOffset ExpiresAt);
