using System.Collections.Concurrent;

namespace KubeSync.Engine.Hosting;

/// <summary>
/// The daemon's loops and whether each is still alive, for <c>/healthz</c> (STYLE: a sidecar that looks alive while it
/// has stopped syncing is the worst failure). Each loop registers a <see cref="Heartbeat"/>: it beats while it works,
/// and says when it stopped. A loop is unhealthy once it stopped without being asked to, or when it registered a
/// maximum silence and has not beaten for that long (it hangs).
/// </summary>
public sealed class LivenessRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Heartbeat> _loops = new(StringComparer.Ordinal);

    public TimeProvider Time { get; } = time;

    /// <summary>Registers a loop (replacing one of the same name, as a restarted loop does).</summary>
    /// <param name="maxSilence">How long the loop may go without a beat; null when it is judged only by stopping.</param>
    public Heartbeat Register(string loop, TimeSpan? maxSilence)
    {
        var heartbeat = new Heartbeat(loop, maxSilence, this);
        _loops[loop] = heartbeat;
        return heartbeat;
    }

    /// <summary>Every registered loop's problem, if any: empty when all are alive.</summary>
    public LivenessReport Check()
    {
        var now = Time.GetTimestamp();
        var problems = _loops.Values.OrderBy(h => h.Loop, StringComparer.Ordinal)
            .Select(h => h.Problem(now)).OfType<string>().ToList();
        return new LivenessReport(_loops.Count, problems);
    }
}
