namespace KubeSync.Engine.Hosting;

/// <summary>
/// Gives memory left over from a burst of work back to the system. The GC sizes its allocation budget for the
/// youngest generation from the CPU's cache (hundreds of MiB on a large server CPU) and keeps it committed until the
/// next collection, which an idle member reaches only after hours: after an initial scan of 100k files the heap held
/// 3 MiB while 85 MiB stayed committed. A compacting collection that decommits what is free (aggressive mode) costs a
/// few milliseconds on a heap this small; it runs after full scans and, from the daemon's heartbeat, whenever the
/// committed memory exceeds the live heap by more than <see cref="Slack"/>; the daemon releases SQLite's page caches
/// first (<see cref="State.StateStore.ReleaseMemory"/>).
/// </summary>
internal sealed partial class MemoryTrim
{
    /// <summary>Committed memory beyond the live heap that is tolerated before a trim.</summary>
    public const long Slack = 16L << 20;

    private long _allocatedAtTrim;
    private int _collectionsAtTrim;

    /// <summary>
    /// Whether the GC keeps more than <see cref="Slack"/> committed beyond the live heap. Before the first collection
    /// the GC reports nothing: then what was allocated since the last trim (all of it in pages the young generation
    /// touched) stands for it.
    /// </summary>
    public bool IsWasteful()
    {
        if (GC.CollectionCount(0) == _collectionsAtTrim)
        {
            return GC.GetTotalAllocatedBytes() - _allocatedAtTrim > Slack;
        }

        var info = GC.GetGCMemoryInfo();
        return info.TotalCommittedBytes - info.HeapSizeBytes > Slack;
    }

    /// <summary>A compacting collection that decommits what is free, then glibc's free pages back to the system.</summary>
    public void Collect()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        // What native code freed (SQLite's page cache, released by the caller first) stays in glibc's arenas until trimmed.
        _ = MallocTrim(0);
        _allocatedAtTrim = GC.GetTotalAllocatedBytes();
        _collectionsAtTrim = GC.CollectionCount(0);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
