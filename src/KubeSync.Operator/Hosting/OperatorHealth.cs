namespace KubeSync.Operator.Hosting;

/// <summary>
/// /healthz and /readyz. Healthy unless this replica leads and a watch has heard nothing (not even a bookmark) for
/// <see cref="StaleWatch"/>: then the process is stuck and should be restarted. Ready when following, or when leading
/// with every reflector listed once.
/// </summary>
public static class OperatorHealth
{
    public static readonly TimeSpan StaleWatch = TimeSpan.FromMinutes(10);

    public static (bool Ok, string Reason) Live(OperatorRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var age = runner.Controller.OldestWatch;
        return runner.IsLeader && age > StaleWatch ? (false, $"a watch has been silent for {age.TotalSeconds:0} s") : (true, "ok");
    }

    public static (bool Ok, string Reason) Ready(OperatorRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return !runner.IsLeader ? (true, "following") : runner.Controller.Synced ? (true, "leading") : (false, "leading, caches not synced yet");
    }
}
