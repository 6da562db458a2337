using Microsoft.AspNetCore.Http;

namespace Conversations.Internal;

/// <summary>Maps the host's authenticated user to an <see cref="Account"/>. Never returns <see cref="Account.System"/>.</summary>
internal sealed class AccountResolver(ConversationsEndpointOptions options)
{
    public Account? Resolve(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var id = user.FindFirst(options.AccountIdClaimType)?.Value ?? user.FindFirst("sub")?.Value;
            if (!string.IsNullOrWhiteSpace(id))
            {
                var kind = user.FindFirst(options.AccountKindClaimType)?.Value;
                if (kind is null || string.Equals(kind, "user", StringComparison.OrdinalIgnoreCase))
                {
                    return Account.User(id);
                }

                if (string.Equals(kind, "agent", StringComparison.OrdinalIgnoreCase))
                {
                    return Account.Agent(id);
                }

                // "system" or anything else: a remote caller is never trusted as the host.
                return null;
            }
        }

        return options.AllowAnonymous ? Account.User("anonymous:" + Guid.NewGuid().ToString("N")) : null;
    }
}
