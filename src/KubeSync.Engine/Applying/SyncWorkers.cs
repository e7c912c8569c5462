namespace KubeSync.Engine.Applying;

/// <summary>
/// A few threads that only call <c>fsync</c>. A burst's files are synced concurrently, each as soon as it is
/// staged, so the file system commits many of them in one journal transaction (ext4 and XFS let every waiting
/// fsync share the next commit) and their data is on disk by the time the burst publishes. One thread syncing
/// the files in turn waited for one commit per file, which on a busy disk cost milliseconds each.
/// </summary>
internal sealed class SyncWorkers
{
    /// <summary>Syncs in flight at once, process-wide: enough to share commits, few enough to stay cheap idle.</summary>
    public const int Threads = 8;

    private static readonly Lazy<SyncWorkers> SharedInstance = new(() => new SyncWorkers(Threads));

    private readonly Queue<SyncJob> _jobs = new();
    private readonly object _gate = new();

    private SyncWorkers(int threads)
    {
        for (var i = 0; i < threads; i++)
        {
            new Thread(Run) { IsBackground = true, Name = "kubesync-fsync" }.Start();
        }
    }

    public static SyncWorkers Shared => SharedInstance.Value;

    /// <summary>Queues an fsync of <paramref name="job"/>'s descriptor; the job signals its countdown when done.</summary>
    public void Queue(SyncJob job)
    {
        lock (_gate)
        {
            _jobs.Enqueue(job);
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            SyncJob job;
            lock (_gate)
            {
                while (_jobs.Count == 0)
                {
                    Monitor.Wait(_gate);
                }

                job = _jobs.Dequeue();
            }

            job.Run();
        }
    }
}
