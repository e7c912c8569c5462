using System.Globalization;

namespace KubeSync.Engine.Actions;

/// <summary>
/// Finds processes by name in <c>/proc</c> (with <c>shareProcessNamespace</c>, the app container's processes are
/// there): a process matches when its <c>comm</c> or the file name of its <c>argv[0]</c> is the name. Of a tree of
/// matching processes only the top one is returned (nginx's master, not its workers, which share its name).
/// </summary>
internal static class ProcessTable
{
    public static IReadOnlyList<int> FindByName(string name, string procRoot = "/proc")
    {
        var matches = new Dictionary<int, int>(); // pid -> parent pid
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            if (Matches(dir, name) && ParentOf(dir) is { } parent)
            {
                matches[pid] = parent;
            }
        }

        return [.. matches.Where(m => !matches.ContainsKey(m.Value)).Select(m => m.Key).Order()];
    }

    /// <summary>True when <paramref name="pid"/> is a live process (not a zombie).</summary>
    public static bool IsAlive(int pid, string procRoot = "/proc")
    {
        var stat = ReadOrNull(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat"));
        var close = stat?.LastIndexOf(')') ?? -1;
        return close > 0 && close + 2 < stat!.Length && stat[close + 2] != 'Z';
    }

    /// <summary>The real UID of <paramref name="pid"/> (the first number of the <c>Uid:</c> line of its <c>status</c>), or null when it is gone.</summary>
    public static long? UserOf(int pid, string procRoot = "/proc")
    {
        var status = ReadOrNull(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "status"));
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var fields = line?[4..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 0 } && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
    }

    private static bool Matches(string dir, string name)
    {
        if (ReadOrNull(Path.Combine(dir, "comm"))?.TrimEnd('\n') == name)
        {
            return true;
        }

        var cmdline = ReadOrNull(Path.Combine(dir, "cmdline"));
        if (string.IsNullOrEmpty(cmdline))
        {
            return false; // kernel threads and zombies
        }

        var argv0 = cmdline.Split('\0')[0];
        return Path.GetFileName(argv0) == name;
    }

    /// <summary>The parent pid from <c>stat</c> (the field after the state, which follows the parenthesised comm); null when the process is gone or a zombie.</summary>
    private static int? ParentOf(string dir)
    {
        var stat = ReadOrNull(Path.Combine(dir, "stat"));
        var close = stat?.LastIndexOf(')') ?? -1;
        if (close < 0)
        {
            return null;
        }

        var fields = stat![(close + 2)..].Split(' ');
        return fields.Length > 1 && fields[0] != "Z" && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) ? ppid : null;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process exited while we looked, or is not ours to read
        }
    }
}
