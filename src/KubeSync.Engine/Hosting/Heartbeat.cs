namespace KubeSync.Engine.Hosting;

/// <summary>One loop's entry in a <see cref="LivenessRegistry"/>.</summary>
public sealed class Heartbeat
{
    private readonly TimeSpan? _maxSilence;
    private readonly LivenessRegistry _registry;
    private long _lastBeat;
    private volatile string? _stopped;

    internal Heartbeat(string loop, TimeSpan? maxSilence, LivenessRegistry registry)
    {
        Loop = loop;
        _maxSilence = maxSilence;
        _registry = registry;
        _lastBeat = registry.Time.GetTimestamp();
    }

    public string Loop { get; }

    /// <summary>The loop is working.</summary>
    public void Beat() => Interlocked.Exchange(ref _lastBeat, _registry.Time.GetTimestamp());

    /// <summary>The loop ended; <paramref name="reason"/> says why (an exception's message, or "stopping").</summary>
    public void Stopped(string reason) => _stopped ??= reason;

    /// <summary>Tracks <paramref name="loop"/>: when it ends, the heartbeat says how (cancelled by <paramref name="stopping"/> is a stop, not a failure).</summary>
    public Task Track(Task loop, CancellationToken stopping)
    {
        _ = loop.ContinueWith(
            t => Stopped(t.IsFaulted ? $"failed: {t.Exception!.GetBaseException().Message}" : stopping.IsCancellationRequested ? "stopping" : "ended"),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return loop;
    }

    internal string? Problem(long now)
    {
        if (_stopped is { } stopped)
        {
            return $"{Loop}: {stopped}";
        }

        if (_maxSilence is { } max)
        {
            var silent = _registry.Time.GetElapsedTime(Interlocked.Read(ref _lastBeat), now);
            if (silent > max)
            {
                return $"{Loop}: no progress for {(long)silent.TotalSeconds} s (limit {(long)max.TotalSeconds} s)";
            }
        }

        return null;
    }
}
