using System.Diagnostics.Metrics;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

using Microsoft.Extensions.Logging;

namespace KubeSync.Kubernetes.Leadership;

/// <summary>
/// Leader election on a <c>coordination.k8s.io</c> Lease: acquire, renew every retry period, stop the
/// caller's work when renewal has failed past the renew deadline, release on graceful shutdown. Expiry is
/// judged by when this process last saw the lease change (not by the holder's clock). Every failed request
/// is logged and counted in <see cref="Errors"/> and the <c>kubesync.leader_election.errors</c> counter.
/// </summary>
public sealed class LeaderElector
{
    private static readonly Meter Meter = new("KubeSync.Kubernetes");
    private static readonly Counter<long> ErrorCounter = Meter.CreateCounter<long>("kubesync.leader_election.errors", description: "Failed Lease requests");

    private readonly ResourceClient<Lease> _leases;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private string? _observedVersion;
    private DateTimeOffset _observedAt;
    private long _errors;
    private volatile bool _isLeader;

    public LeaderElector(ResourceClient<Lease> leases, LeaderElectionOptions options, TimeProvider timeProvider, ILogger<LeaderElector> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _leases = leases;
        _options = options;
        _time = timeProvider;
        _logger = logger;
    }

    public bool IsLeader => _isLeader;

    /// <summary>Failed Lease requests so far (lost races included).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>
    /// Waits to become leader, then runs <paramref name="lead"/> with a token cancelled when leadership is
    /// lost or <paramref name="cancellationToken"/> fires. Returns when leadership is lost (the caller should
    /// then exit) or the work returned; rethrows what the work threw; throws <see cref="OperationCanceledException"/>
    /// on cancellation. Whenever it stops leading it releases the lease if it still holds it, so another
    /// replica takes over at once.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        while (!await TryAcquireOrRenewAsync(_options.RenewDeadline, cancellationToken))
        {
            await Task.Delay(Jittered(_options.RetryPeriod), _time, cancellationToken);
        }

        _isLeader = true;
        Log.Acquired(_logger, _options.Identity, _options.Namespace, _options.LeaseName);
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => lead(leading.Token), CancellationToken.None);
        try
        {
            await RenewUntilLostAsync(work, leading.Token);
        }
        finally
        {
            _isLeader = false;
            await leading.CancelAsync();
            try
            {
                await work;
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                // The work stopped because leadership ended, as asked.
            }
            finally
            {
                await ReleaseAsync();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task RenewUntilLostAsync(Task work, CancellationToken cancellationToken)
    {
        var renewedAt = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested && !work.IsCompleted)
        {
            var delay = Task.Delay(_options.RetryPeriod, _time, cancellationToken);
            await Task.WhenAny(delay, work);
            if (work.IsCompleted || cancellationToken.IsCancellationRequested)
            {
                return;
            }

            // An attempt may take only what is left before the deadline: a hung API server must not keep a stale leader working.
            var left = _options.RenewDeadline - (_time.GetUtcNow() - renewedAt);
            if (left > TimeSpan.Zero && await TryAcquireOrRenewAsync(left, cancellationToken))
            {
                renewedAt = _time.GetUtcNow();
                continue;
            }

            var since = _time.GetUtcNow() - renewedAt;
            if (since >= _options.RenewDeadline)
            {
                Log.Lost(_logger, _options.Identity, _options.Namespace, _options.LeaseName, since);
                return;
            }
        }
    }

    /// <summary>
    /// One attempt, within <paramref name="limit"/>: create the lease, renew ours, or take one that expired.
    /// False when another holds it or the request failed or took too long.
    /// </summary>
    private async Task<bool> TryAcquireOrRenewAsync(TimeSpan limit, CancellationToken outer)
    {
        var now = _time.GetUtcNow();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(outer);
        attempt.CancelAfter(limit);
        var cancellationToken = attempt.Token;
        try
        {
            var lease = await _leases.FindAsync(_options.Namespace, _options.LeaseName, cancellationToken);
            if (lease is null)
            {
                var created = await _leases.CreateAsync(NewLease(now), cancellationToken);
                Observe(created, now);
                return true;
            }

            if (lease.Metadata.ResourceVersion != _observedVersion)
            {
                Observe(lease, now);
            }

            var spec = lease.Spec ??= new LeaseSpec();
            var duration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? (int)_options.LeaseDuration.TotalSeconds);
            var heldByOther = !string.IsNullOrEmpty(spec.HolderIdentity) && spec.HolderIdentity != _options.Identity;
            if (heldByOther && _observedAt + duration > now)
            {
                return false;
            }

            if (spec.HolderIdentity != _options.Identity)
            {
                spec.AcquireTime = now;
                spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + (heldByOther ? 1 : 0);
            }

            spec.HolderIdentity = _options.Identity;
            spec.RenewTime = now;
            spec.LeaseDurationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
            Observe(await _leases.ReplaceAsync(lease, cancellationToken), now);
            return true;
        }
        catch (Exception e) when (e is KubeConflictException or KubeAlreadyExistsException)
        {
            Count();
            Log.RaceLost(_logger, _options.Namespace, _options.LeaseName, "acquire/renew", ((KubeApiException)e).Reason);
            return false;
        }
        catch (Exception e) when (IsRequestFailure(e, outer))
        {
            Count();
            Log.RequestFailed(_logger, _options.Namespace, _options.LeaseName, "acquire/renew", e.Message);
            return false;
        }
    }

    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(_options.RenewDeadline);
        try
        {
            var lease = await _leases.FindAsync(_options.Namespace, _options.LeaseName, timeout.Token);
            if (lease?.Spec?.HolderIdentity != _options.Identity)
            {
                return;
            }

            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = _time.GetUtcNow();
            await _leases.ReplaceAsync(lease, timeout.Token);
            Log.Released(_logger, _options.Identity, _options.Namespace, _options.LeaseName);
        }
        catch (Exception e) when (e is KubeApiException || IsRequestFailure(e, CancellationToken.None))
        {
            // Others take over once the lease expires; releasing only makes it quicker.
            Count();
            Log.RequestFailed(_logger, _options.Namespace, _options.LeaseName, "release", e.Message);
        }
    }

    private Lease NewLease(DateTimeOffset now) => new()
    {
        Metadata = new ObjectMeta { Name = _options.LeaseName, Namespace = _options.Namespace },
        Spec = new LeaseSpec
        {
            HolderIdentity = _options.Identity,
            LeaseDurationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds),
            AcquireTime = now,
            RenewTime = now,
            LeaseTransitions = 0,
        },
    };

    private void Observe(Lease lease, DateTimeOffset now)
    {
        _observedVersion = lease.Metadata.ResourceVersion;
        _observedAt = now;
    }

    private void Count()
    {
        Interlocked.Increment(ref _errors);
        ErrorCounter.Add(1);
    }

    private static bool IsRequestFailure(Exception e, CancellationToken cancellationToken) =>
        e is KubeApiException or HttpRequestException or TimeoutException or IOException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static TimeSpan Jittered(TimeSpan period) => period * (1 + (Random.Shared.NextDouble() * 0.2));
}
