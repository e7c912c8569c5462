namespace KubeSync.Engine.Actions;

/// <summary>Retry and stop bounds of an <see cref="ActionScheduler"/>; the defaults suit the sidecar.</summary>
public sealed record ActionSchedulerOptions
{
    /// <summary>Runs of one batch before it is dropped and reported.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait before the first retry; it doubles per attempt, with jitter (a random 50-100 % of it).</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries.</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long <see cref="ActionScheduler.DisposeAsync"/> lets a running action finish before cancelling it.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff before retry number <paramref name="failedAttempts"/> + 1, with <paramref name="jitter"/> in [0, 1).</summary>
    public TimeSpan Backoff(int failedAttempts, double jitter)
    {
        var exponent = Math.Min(failedAttempts - 1, 30);
        var full = Math.Min(RetryBase.TotalMilliseconds * Math.Pow(2, exponent), RetryMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full * (0.5 + (jitter / 2)));
    }
}
