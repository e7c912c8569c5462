using System.Runtime.InteropServices;

namespace KubeSync.Testing.Emulation;

/// <summary>kill(2): .NET sends only SIGKILL by itself; a pod's containers get SIGTERM first.</summary>
internal static partial class Signals
{
    public const int Term = 15;
    public const int Kill = 9;

    /// <summary>True when the signal was sent (false: the process is gone).</summary>
    public static bool Send(int pid, int signal) => pid > 0 && KillNative(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);
}
