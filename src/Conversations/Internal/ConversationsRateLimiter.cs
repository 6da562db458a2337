using System.Diagnostics;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>
/// The permits of <see cref="ConversationsRateLimitOptions"/>: one fixed-window limiter per (operation, account) and per
/// (operation, connection), created on first use and dropped when idle (by <see cref="PartitionedRateLimiter"/>).
/// </summary>
internal sealed class ConversationsRateLimiter : IConversationsRateLimiter, IDisposable
{
    private readonly Scope _accounts;
    private readonly Scope _connections;
    private readonly bool _limitAgents;

    public ConversationsRateLimiter(IOptions<ConversationsRateLimitOptions> options, TimeProvider time)
    {
        var value = options.Value;
        _limitAgents = value.LimitAgents;
        _accounts = new Scope("account", value.PerAccount, time);
        _connections = new Scope("connection", value.PerConnection, time);
    }

    public void AcquireForAccount(Account caller, RateLimitOperation operation)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!IsExempt(caller))
        {
            _accounts.Acquire(caller.Id, operation);
        }
    }

    public void AcquireForConnection(Account caller, string connectionId, RateLimitOperation operation)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(connectionId);
        if (!IsExempt(caller))
        {
            _connections.Acquire(connectionId, operation);
        }
    }

    public void Dispose()
    {
        _accounts.Dispose();
        _connections.Dispose();
    }

    private bool IsExempt(Account caller) => caller.IsSystem || (caller.Kind == AccountKind.Agent && !_limitAgents);

    /// <summary>The limiters of one scope, one partitioned limiter per operation (none for an unlimited operation).</summary>
    private sealed class Scope : IDisposable
    {
        private readonly string _name;
        private readonly RateLimitRule?[] _rules;
        private readonly PartitionedRateLimiter<string>?[] _limiters;

        public Scope(string name, RateLimitRules rules, TimeProvider time)
        {
            _name = name;
            _rules = [rules.Posts, rules.StreamAppends, rules.DirectRooms, rules.Uploads];
            _limiters = [.. _rules.Select(rule => rule is null ? null : Create(rule, time))];
        }

        public void Acquire(string key, RateLimitOperation operation)
        {
            if (_limiters[(int)operation] is not { } limiter)
            {
                return;
            }

            using var lease = limiter.AttemptAcquire(key);
            if (lease.IsAcquired)
            {
                return;
            }

            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
            TelemetryInstruments.RateLimitRefusals.Add(
                1, new TagList { { ConversationsDiagnostics.OperationTag, Name(operation) }, { ConversationsDiagnostics.ScopeTag, _name } });
            throw new LimitExceededException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Rate limit reached: at most {_rules[(int)operation]} for {Name(operation)} per {_name}. Try again in {Math.Ceiling(retryAfter.TotalMilliseconds)} ms."),
                retryAfter);
        }

        public void Dispose()
        {
            foreach (var limiter in _limiters)
            {
                limiter?.Dispose();
            }
        }

        private static PartitionedRateLimiter<string> Create(RateLimitRule rule, TimeProvider time)
        {
            var (permits, window) = (rule.PermitLimit, rule.Window);
            return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.Get(key, _ => new WindowRateLimiter(permits, window, time)));
        }

        private static string Name(RateLimitOperation operation) => operation switch
        {
            RateLimitOperation.Posts => "posts",
            RateLimitOperation.StreamAppends => "stream_appends",
            RateLimitOperation.DirectRooms => "direct_rooms",
            _ => "uploads",
        };
    }
}
