using System.Runtime.InteropServices;

using KubeSync.Engine.FileSystem;

namespace KubeSync.Engine.Applying;

/// <summary>
/// One queued fsync, or with <paramref name="writebackOnly"/> only the start of the file's writeback (whose errors a later
/// <c>syncfs</c> reports): the descriptor must stay open until <see cref="Done"/> has been signalled.
/// </summary>
internal sealed class SyncJob(int fd, CountdownEvent done, bool writebackOnly = false)
{
    private int[] _more = [];

    /// <summary>Starts the writeback of every descriptor in <paramref name="fds"/> (not empty): one worker wake-up for several files.</summary>
    public static SyncJob Writeback(IReadOnlyList<int> fds, CountdownEvent done) => new(fds[0], done, writebackOnly: true) { _more = [.. fds.Skip(1)] };

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
                foreach (var more in _more)
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
