using System.Runtime.InteropServices;

namespace KubeSync.Testing.Emulation;

/// <summary>kill(2): .NET sends only SIGKILL by itself; a pod's containers get SIGTERM first.</summary>
internal static partial class Signals
{
    public const int Term = 15;
    public const int Kill = 9;

    /// <summary>True when the signal was sent (false: the process is gone).</summary>
    public static bool Send(int pid, int signal) => pid > 0 && KillNative(pid, signal) == 0;

    /// <summary>rename(2): replaces <paramref name="to"/> atomically, whatever the two names are (File.Move refuses a symlink to a directory).</summary>
    public static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
        {
            throw new IOException($"rename {from} to {to}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string from, string to);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);
}
