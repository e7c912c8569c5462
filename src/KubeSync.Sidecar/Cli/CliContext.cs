using System.Collections;
using System.CommandLine;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Configuration;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;

using Microsoft.Extensions.Logging;

namespace KubeSync.Sidecar.Cli;

/// <summary>What every verb needs: the options shared by all verbs, config loading, group selection, and error reporting with exit codes.</summary>
internal sealed class CliContext
{
    public static readonly Option<string?> ConfigOption = new("--config", "-C")
    {
        Description = "Config file (default: $KUBESYNC_CONFIG, else " + ConfigLoader.DefaultPath + ")",
        Recursive = true,
    };

    public static readonly Option<string?> GroupOption = new("--group", "-G")
    {
        Description = "Only this group (default: every group, or the group whose root holds the given paths)",
        Recursive = true,
    };

    public static readonly Option<bool> VerboseOption = new("--verbose", "-v")
    {
        Description = "Log progress and every problem to stderr",
        Recursive = true,
    };

    public CliContext(ParseResult parse, TextWriter output, TextWriter error, IDictionary environment)
    {
        Parse = parse;
        Out = output;
        Error = error;
        Environment = environment;
        var verbose = parse.GetValue(VerboseOption);
        LoggerFactory = new StderrLoggerFactory(error, verbose ? LogLevel.Debug : LogLevel.Warning);
    }

    public ParseResult Parse { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IDictionary Environment { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Runs a verb, turning the expected failures into one line on stderr and an exit code.</summary>
    public static int Run(ParseResult parse, Func<CliContext, int> verb) =>
        RunAsync(parse, ctx => Task.FromResult(verb(ctx))).GetAwaiter().GetResult();

    /// <summary>Runs an asynchronous verb, turning the expected failures into one line on stderr and an exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<CliContext, Task<int>> verb)
    {
        var context = new CliContext(parse, Console.Out, Console.Error, System.Environment.GetEnvironmentVariables());
        try
        {
            return await verb(context);
        }
        catch (ConfigException ex)
        {
            context.Error.WriteLine($"kubesync: config error: {ex.Message}");
            return ExitCodes.ConfigError;
        }
        catch (CliUsageException ex)
        {
            context.Error.WriteLine($"kubesync: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is StateStoreException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            context.Error.WriteLine($"kubesync: {ex.Message}");
            return ExitCodes.Failed;
        }
        finally
        {
            context.LoggerFactory.Dispose();
        }
    }

    public KubeSyncConfig LoadConfig() =>
        ConfigLoader.LoadFile(ConfigLoader.ResolvePath(Parse.GetValue(ConfigOption), Environment), Environment);

    /// <summary>The groups a verb acts on: the one named by --group, else all.</summary>
    public IReadOnlyList<GroupConfig> SelectGroups(KubeSyncConfig config)
    {
        var name = Parse.GetValue(GroupOption);
        if (name is null)
        {
            return config.Groups;
        }

        return config.Groups.Where(g => g.Name == name).ToList() is { Count: > 0 } found
            ? found
            : throw new CliUsageException($"no group named '{name}' (groups: {string.Join(", ", config.Groups.Select(g => g.Name))})");
    }

    /// <summary>Resolves paths a person typed to (group, path) pairs; each must lie under one group's root.</summary>
    public List<(GroupConfig Group, SyncPath Path)> ResolvePaths(KubeSyncConfig config, IEnumerable<string> inputs)
    {
        var result = new List<(GroupConfig, SyncPath)>();
        foreach (var input in inputs)
        {
            var full = Path.GetFullPath(input);
            var group = SelectGroups(config)
                .Where(g => full.StartsWith(g.Root + "/", StringComparison.Ordinal))
                .MaxBy(g => g.Root.Length)
                ?? throw new CliUsageException($"{input}: not under the root of {(Parse.GetValue(GroupOption) is { } n ? "group " + n : "any group")}");
            var relative = Path.GetRelativePath(group.Root, full);
            if (!SyncPath.TryParse(relative, out var path, out var error))
            {
                throw new CliUsageException($"{input}: {error}");
            }

            result.Add((group, path));
        }

        return result;
    }
}
