using System.Runtime.InteropServices;

using KubeSync.Engine.FileSystem;

namespace KubeSync.Engine.Applying;

/// <summary>One queued fsync: the descriptor must stay open until <see cref="Done"/> has been signalled.</summary>
internal sealed class SyncJob(int fd, CountdownEvent done)
{
    /// <summary>0 once synced, the errno when the sync failed; meaningful after the countdown was waited for.</summary>
    public int Error { get; private set; }

    public CountdownEvent Done => done;

    public void Run()
    {
        try
        {
            Error = LibC.Fsync(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            done.Signal();
        }
    }
}
