namespace KubeSync.Operator.Queueing;

/// <summary>
/// Per-key exponential backoff for failed reconciles: <see cref="Base"/> doubled per consecutive failure up to
/// <see cref="Max"/>, times a random 75-125 % so that keys failing together do not retry together.
/// </summary>
public sealed class RetryBackoff(TimeSpan? baseDelay = null, TimeSpan? max = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _failures = [];

    public TimeSpan Base { get; } = baseDelay ?? TimeSpan.FromSeconds(1);

    public TimeSpan Max { get; } = max ?? TimeSpan.FromMinutes(5);

    /// <summary>Records a failure of <paramref name="key"/> and returns how long to wait before retrying it.</summary>
    public TimeSpan Next(string key)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        var delay = Math.Min(Base.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)), Max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    public int Failures(string key)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>A success: the next failure starts from <see cref="Base"/> again.</summary>
    public void Forget(string key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }
}
