using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Conversations.Internal;

/// <summary>
/// Answers authorization failures on the Conversations endpoints in the protocol's own terms: 401 with the problem body
/// <c>unauthenticated</c>, 403 with <c>forbidden</c>, for the WebSocket handshake and every HTTP call alike, instead of a
/// scheme's bare challenge or a redirect to a login page.
/// </summary>
/// <remarks>
/// <see cref="Defer"/> marks each endpoint (once the host's conventions such as <c>RequireAuthorization()</c> are applied) with
/// an <see cref="IAllowAnonymous"/> marker: the authorization middleware then still authenticates the policy's schemes but leaves
/// the decision to <see cref="AuthorizeAsync"/>, which evaluates the same policy the middleware would — the endpoint's authorize
/// data, policies and requirements, or the fallback policy. An endpoint the host itself marked anonymous is left alone.
/// </remarks>
internal sealed class EndpointAuthorization(ILogger logger)
{
    /// <summary>Hands the authorization decision of <paramref name="endpoint"/> to <see cref="AuthorizeAsync"/>.</summary>
    public static void Defer(EndpointBuilder endpoint)
    {
        if (!endpoint.Metadata.OfType<IAllowAnonymous>().Any())
        {
            endpoint.Metadata.Add(DeferredAuthorization.Instance);
        }
    }

    /// <summary>
    /// Evaluates the endpoint's authorization policy. Returns <see langword="true"/> when the request may proceed; otherwise the
    /// 401 or 403 problem response has been written.
    /// </summary>
    public async Task<bool> AuthorizeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<DeferredAuthorization>() is null
            || context.RequestServices.GetService<IAuthorizationPolicyProvider>() is not { } policies)
        {
            return true;
        }

        var policy = await AuthorizationPolicy.CombineAsync(
            policies, metadata.GetOrderedMetadata<IAuthorizeData>(), metadata.GetOrderedMetadata<AuthorizationPolicy>()).ConfigureAwait(false);
        var requirements = metadata.GetOrderedMetadata<IAuthorizationRequirementData>().SelectMany(d => d.GetRequirements()).ToArray();
        if (requirements.Length > 0)
        {
            var required = new AuthorizationPolicyBuilder().AddRequirements(requirements).Build();
            policy = policy is null ? required : AuthorizationPolicy.Combine(policy, required);
        }

        if (policy is null)
        {
            return true;
        }

        var evaluator = context.RequestServices.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
        var result = await evaluator.AuthorizeAsync(policy, authentication, context, context).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return true;
        }

        if (result.Challenged)
        {
            Log.Unauthenticated(logger);
            await RespondAsync(context, policy, challenge: true, ConversationsErrorCode.Unauthenticated.Value, "Authentication is required.").ConfigureAwait(false);
        }
        else
        {
            Log.AuthorizationRefused(logger, context.Request.Path.Value ?? string.Empty);
            await RespondAsync(context, policy, challenge: false, ConversationsErrorCode.Forbidden.Value, "The caller is not allowed to use this endpoint.").ConfigureAwait(false);
        }

        return false;
    }

    private static async Task RespondAsync(HttpContext context, AuthorizationPolicy policy, bool challenge, string code, string detail)
    {
        // The schemes still answer first, so their headers (such as WWW-Authenticate: Bearer) reach the client; a redirect to a
        // login or access-denied page means nothing to a WebSocket or API client and is replaced by the status and problem body.
        string?[] schemes = policy.AuthenticationSchemes.Count > 0 ? [.. policy.AuthenticationSchemes] : [null];
        foreach (var scheme in schemes)
        {
            await (challenge ? context.ChallengeAsync(scheme) : context.ForbidAsync(scheme)).ConfigureAwait(false);
        }

        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Headers.Remove(HeaderNames.Location);
        await HttpEndpoints.WriteProblemAsync(context, code, detail).ConfigureAwait(false);
    }

    /// <summary>The marker that tells the authorization middleware to authenticate only, and this class to decide.</summary>
    private sealed class DeferredAuthorization : IAllowAnonymous
    {
        public static DeferredAuthorization Instance { get; } = new();
    }
}
