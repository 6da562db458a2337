using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>Options of the endpoints mapped by <see cref="ConversationsEndpointRouteBuilderExtensions.MapConversations(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, string, Action{ConversationsEndpointOptions})"/>.</summary>
public sealed class ConversationsEndpointOptions
{
    /// <summary>Gets or sets the claim of <see cref="HttpContext.User"/> that holds the caller's account identifier.</summary>
    /// <value>The default value is <see cref="ClaimTypes.NameIdentifier"/>; when that claim is missing, <c>sub</c> is tried.</value>
    [Required]
    public string AccountIdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// Gets or sets the claim that holds the caller's account kind (<c>user</c> or <c>agent</c>). A missing claim means a user;
    /// any other value is refused. A remote caller is never the system account.
    /// </summary>
    /// <value>The default value is <c>conversations_account_kind</c>.</value>
    [Required]
    public string AccountKindClaimType { get; set; } = "conversations_account_kind";

    /// <summary>
    /// Gets or sets a value indicating whether unauthenticated requests are served. Each anonymous WebSocket connection or
    /// HTTP request then acts as a fresh user account <c>anonymous:{guid}</c>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: unauthenticated requests get 401 (<c>unauthenticated</c>).</value>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Gets the origins (<c>scheme://host[:port]</c>) allowed to open a WebSocket. A handshake without an <c>Origin</c> header
    /// (a non-browser client) and a same-origin handshake are always allowed; <c>*</c> allows every origin.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Gets or sets a value indicating whether the HTTP endpoints are mapped beside the WebSocket endpoint.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool EnableHttpEndpoints { get; set; } = true;

    /// <summary>Gets the options of the WebSocket endpoint.</summary>
    [ValidateObjectMembers]
    public WebSocketEndpointOptions WebSockets { get; } = new();
}
