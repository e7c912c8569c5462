using System.Globalization;

namespace KubeSync.Engine.FileSystem;

/// <summary>
/// The capabilities this process holds in effect (the <c>CapEff</c> mask of <c>/proc/self/status</c>). A root sidecar
/// of a pod whose securityContext drops ALL holds none: being UID 0 does not make it able to give files away.
/// </summary>
public static class ProcessCapabilities
{
    private const int CapChown = 0;

    private static readonly Lazy<ulong?> Effective = new(ReadEffective);

    /// <summary>
    /// Whether <c>fchownat</c> to another user can succeed: CAP_CHOWN is in effect. Without it a member keeps its own
    /// uid and gid on the files it writes (the row records what is on disk, so nothing is sent back).
    /// </summary>
    public static bool CanChown => Effective.Value is { } mask ? (mask & (1UL << CapChown)) != 0 : Environment.IsPrivilegedProcess;

    private static ulong? ReadEffective()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            return line is not null && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask) ? mask : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
