namespace KubeSync.Engine.Scanning;

/// <summary>Counts from one scan. Problems are logged as they happen; the first few are kept here for the CLI.</summary>
public sealed class ScanResult
{
    /// <summary>How many problem messages are kept for display.</summary>
    public const int MaxProblemsKept = 20;

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

    public long Changed => Created + Modified + Deleted;

    public long ProblemCount => Problems.Values.Sum();

    internal void AddProblem(ScanProblem kind, string line)
    {
        Problems[kind] = Problems.GetValueOrDefault(kind) + 1;
        if (ProblemLines.Count < MaxProblemsKept)
        {
            ProblemLines.Add(line);
        }
    }
}
