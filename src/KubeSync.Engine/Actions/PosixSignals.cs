using System.Runtime.InteropServices;

namespace KubeSync.Engine.Actions;

/// <summary>Sends a signal by name; .NET can only handle signals, not send them (other than SIGKILL).</summary>
internal static partial class PosixSignals
{
    /// <summary>Linux numbers (the same on x86-64 and arm64) of the names the config accepts.</summary>
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["HUP"] = 1,
        ["INT"] = 2,
        ["QUIT"] = 3,
        ["KILL"] = 9,
        ["USR1"] = 10,
        ["USR2"] = 12,
        ["TERM"] = 15,
        ["CONT"] = 18,
        ["STOP"] = 19,
        ["WINCH"] = 28,
    };

    public static bool TryGetNumber(string name, out int number) => Numbers.TryGetValue(name, out number);

    /// <summary>EPERM: the target belongs to another user and this process lacks CAP_KILL.</summary>
    public const int NotPermitted = 1;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; returns null or the reason it failed (and its errno).</summary>
    public static string? Send(int pid, int signal, out int errno)
    {
        errno = 0;
        if (Kill(pid, signal) == 0)
        {
            return null;
        }

        errno = Marshal.GetLastPInvokeError();
        return Marshal.GetPInvokeErrorMessage(errno);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
