using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Scanning;

/// <summary>Counts from one scan. Problems are logged as they happen; the first few are kept here for the CLI.</summary>
public sealed class ScanResult
{
    /// <summary>How many problem messages are kept for display.</summary>
    public const int MaxProblemsKept = 20;

    /// <summary>How many changed paths are kept for the actions (<see cref="ChangedPaths"/>).</summary>
    public const int MaxChangedPathsKept = 10_000;

    public long Entries { get; set; }

    public long Hashed { get; set; }

    public long BytesHashed { get; set; }

    public long Created { get; set; }

    public long Modified { get; set; }

    public long Deleted { get; set; }

    /// <summary>Rows whose non-synced stat fields (inode, racy mark) were brought up to date.</summary>
    public long Refreshed { get; set; }

    /// <summary>Rows dropped because the rules now exclude them (no deletion is sent).</summary>
    public long Forgotten { get; set; }

    /// <summary>Problems by kind.</summary>
    public Dictionary<ScanProblem, long> Problems { get; } = [];

    /// <summary>The first <see cref="MaxProblemsKept"/> problem lines.</summary>
    public List<string> ProblemLines { get; } = [];

    public TimeSpan Duration { get; set; }

    /// <summary>The first <see cref="MaxChangedPathsKept"/> paths created, modified or deleted, for the actions (DESIGN 3.6).</summary>
    public List<SyncPath> ChangedPaths { get; } = [];

    /// <summary>More paths changed than <see cref="ChangedPaths"/> holds: treat the scan as having changed everything.</summary>
    public bool ChangedPathsOverflowed { get; private set; }

    public long Changed => Created + Modified + Deleted;

    public long ProblemCount => Problems.Values.Sum();

    internal void AddChanged(SyncPath path)
    {
        if (ChangedPaths.Count < MaxChangedPathsKept)
        {
            ChangedPaths.Add(path);
        }
        else
        {
            ChangedPathsOverflowed = true;
        }
    }

    internal void AddProblem(ScanProblem kind, string line)
    {
        Problems[kind] = Problems.GetValueOrDefault(kind) + 1;
        if (ProblemLines.Count < MaxProblemsKept)
        {
            ProblemLines.Add(line);
        }
    }
}
