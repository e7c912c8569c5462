using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Configuration;

/// <summary>Reads and validates <c>groups[i].actions</c>.</summary>
internal static class ActionConfigReader
{
    private static readonly string[] Runners = ["exec", "signal", "podExec", "http"];

    private static readonly string[] Keys = ["name", "patterns", "exec", "signal", "podExec", "http", "timeout", "delay", "doLocal", "doLocalOnly", "logfile"];

    private static readonly HashSet<string> Signals = new(StringComparer.Ordinal)
    {
        "HUP", "INT", "QUIT", "USR1", "USR2", "TERM", "WINCH", "CONT", "STOP", "KILL",
    };

    public static IReadOnlyList<ActionConfig> ReadAll(IReadOnlyList<ConfigReader> readers, string key, string baseDir)
    {
        var actions = readers.Select(r => Read(r, baseDir)).ToList();
        for (var i = 0; i < actions.Count; i++)
        {
            if (actions.FindIndex(a => a.Name == actions[i].Name) != i)
            {
                throw new ConfigException($"{key}[{i}].name", $"action '{actions[i].Name}' is defined twice");
            }
        }

        return actions;
    }

    private static ActionConfig Read(ConfigReader r, string baseDir)
    {
        var name = r.RequiredString("name");
        var present = Runners.Where(r.Has).ToList();
        if (present.Count != 1)
        {
            throw new ConfigException(r.Key(present.Count == 0 ? "exec" : present[1]), present.Count == 0
                ? "an action needs exactly one of exec, signal, podExec, http"
                : $"an action has exactly one runner; found {string.Join(" and ", present)}");
        }

        var action = new ActionConfig
        {
            Name = name,
            Patterns = Patterns(r),
            Exec = present[0] == "exec" ? NonEmpty(r.StringList("exec"), r.Key("exec")) : null,
            Signal = present[0] == "signal" ? ReadSignal(r.Map("signal")!, baseDir) : null,
            PodExec = present[0] == "podExec" ? ReadPodExec(r.Map("podExec")!) : null,
            Http = present[0] == "http" ? ReadHttp(r.Map("http")!) : null,
            Timeout = r.Duration("timeout", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            Delay = r.Duration("delay", TimeSpan.FromMilliseconds(500), TimeSpan.Zero, TimeSpan.FromHours(1)),
            DoLocal = r.Bool("doLocal", false),
            DoLocalOnly = r.Bool("doLocalOnly", false),
            LogFile = r.String("logfile") is { } log ? ConfigLoader.Resolve(baseDir, log) : null,
        };
        r.RejectUnknownKeys(Keys);
        return action;
    }

    /// <summary>Action patterns have the syntax of include/exclude rules (docs/rules.md); checked here so a bad one stops the start.</summary>
    private static IReadOnlyList<string> Patterns(ConfigReader r)
    {
        var patterns = r.StringList("patterns") ?? ["*"];
        for (var i = 0; i < patterns.Count; i++)
        {
            try
            {
                _ = GlobPattern.Parse(patterns[i]);
            }
            catch (FormatException e)
            {
                throw new ConfigException($"{r.Key("patterns")}[{i}]", e.Message);
            }
        }

        return patterns;
    }

    private static IReadOnlyList<string> NonEmpty(IReadOnlyList<string>? list, string key) =>
        list is { Count: > 0 } && list[0].Length > 0 ? list : throw new ConfigException(key, "needs a command (a list: program, then arguments)");

    private static SignalActionConfig ReadSignal(ConfigReader r, string baseDir)
    {
        var process = r.String("process");
        var pidFile = r.String("pidFile") is { } p ? ConfigLoader.Resolve(baseDir, p) : null;
        if ((process is null) == (pidFile is null))
        {
            throw new ConfigException(r.Key("process"), "give exactly one of process (a name) or pidFile");
        }

        var signal = (r.String("signal") ?? "HUP").ToUpperInvariant();
        signal = signal.StartsWith("SIG", StringComparison.Ordinal) ? signal[3..] : signal;
        if (!Signals.Contains(signal))
        {
            throw new ConfigException(r.Key("signal"), $"unknown signal \"{signal}\"; one of {string.Join(", ", Signals)}");
        }

        r.RejectUnknownKeys(["process", "pidFile", "signal"]);
        return new SignalActionConfig(process, pidFile, signal);
    }

    private static PodExecActionConfig ReadPodExec(ConfigReader r)
    {
        var result = new PodExecActionConfig(r.RequiredString("container"), NonEmpty(r.StringList("command"), r.Key("command")));
        r.RejectUnknownKeys(["container", "command"]);
        return result;
    }

    private static HttpActionConfig ReadHttp(ConfigReader r)
    {
        var text = r.RequiredString("url");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigException(r.Key("url"), $"expected an absolute http:// or https:// URL, got \"{text}\"");
        }

        var method = (r.String("method") ?? "POST").ToUpperInvariant();
        r.RejectUnknownKeys(["url", "method"]);
        return new HttpActionConfig(url, method);
    }
}
