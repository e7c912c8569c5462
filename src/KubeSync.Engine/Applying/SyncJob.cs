using System.Runtime.InteropServices;

using KubeSync.Engine.FileSystem;

namespace KubeSync.Engine.Applying;

/// <summary>
/// One queued fsync, or with <paramref name="writebackOnly"/> only the start of the file's writeback (whose errors a later
/// <c>syncfs</c> reports): the descriptor must stay open until <see cref="Done"/> has been signalled.
/// </summary>
internal sealed class SyncJob(int fd, CountdownEvent done, bool writebackOnly = false)
{
    /// <summary>More descriptors whose writeback this job starts, after <c>fd</c> (one wake-up for several files).</summary>
    public int[] More { get; init; } = [];

    /// <summary>0 once synced, the errno when the sync failed; meaningful after the countdown was waited for.</summary>
    public int Error { get; private set; }

    public CountdownEvent Done => done;

    public void Run()
    {
        try
        {
            if (writebackOnly)
            {
                _ = LibC.SyncFileRange(fd, 0, 0, LibC.SyncFileRangeWrite);
                foreach (var more in More)
                {
                    _ = LibC.SyncFileRange(more, 0, 0, LibC.SyncFileRangeWrite);
                }
            }
            else
            {
                Error = LibC.Fsync(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            done.Signal();
        }
    }
}
