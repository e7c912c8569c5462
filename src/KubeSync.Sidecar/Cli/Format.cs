using System.Globalization;

namespace KubeSync.Sidecar.Cli;

/// <summary>Numbers and durations for people.</summary>
internal static class Format
{
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0 'KiB'", CultureInfo.InvariantCulture),
        < 1024L * 1024 * 1024 => (bytes / 1048576.0).ToString("0.0 'MiB'", CultureInfo.InvariantCulture),
        _ => (bytes / 1073741824.0).ToString("0.00 'GiB'", CultureInfo.InvariantCulture),
    };

    public static string Age(TimeSpan age) => age.TotalSeconds switch
    {
        < 60 => $"{(int)age.TotalSeconds}s",
        < 3600 => $"{(int)age.TotalMinutes}m",
        < 86400 => $"{(int)age.TotalHours}h{age.Minutes:00}m",
        _ => $"{(int)age.TotalDays}d{age.Hours:00}h",
    };

    public static string Mode(int mode) => Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0');
}
