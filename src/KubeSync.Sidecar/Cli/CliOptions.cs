using System.CommandLine;

namespace KubeSync.Sidecar.Cli;

/// <summary>Options several verbs share.</summary>
internal static class CliOptions
{
    /// <summary><c>--timeout DURATION</c> (30s, 2m, ...).</summary>
    public static Option<TimeSpan> Timeout(TimeSpan fallback, string description) => new("--timeout")
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r => Engine.Configuration.Duration.TryParse(r.Tokens[0].Value, out var d) ? d : throw new CliUsageException($"--timeout {r.Tokens[0].Value}: not a duration like 30s"),
    };
}
