using System.CommandLine;

namespace KubeSync.Sidecar.Cli;

/// <summary>Options several verbs share.</summary>
internal static class CliOptions
{
    /// <summary><c>--timeout DURATION</c> (30s, 2m, ...).</summary>
    public static Option<TimeSpan> Timeout(TimeSpan fallback, string description) => DurationOption("--timeout", fallback, description);

    /// <summary>An option holding a duration such as <c>30s</c>, <c>2m</c> or <c>0</c>; anything else is a usage error naming it.</summary>
    public static Option<TimeSpan> DurationOption(string name, TimeSpan fallback, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r => Engine.Configuration.Duration.TryParse(r.Tokens[0].Value, out var d) ? d : throw new CliUsageException($"{name} {r.Tokens[0].Value}: not a duration like 30s"),
    };
}
