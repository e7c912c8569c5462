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

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; returns null or the reason it failed.</summary>
    public static string? Send(int pid, int signal) =>
        Kill(pid, signal) == 0 ? null : Marshal.GetLastPInvokeErrorMessage();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
