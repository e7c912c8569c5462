using System.Diagnostics;
using System.Text;

namespace KubeSync.Testing;

/// <summary>Runs the real <c>kubesync</c> executable (built next to the test assembly) as a child process.</summary>
public static class KubeSyncProcess
{
    /// <summary>What a finished run printed and returned.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>The built <c>kubesync.dll</c> that the test project copies to its output.</summary>
    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "kubesync.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("kubesync.dll is not next to the tests; does the test project reference KubeSync.Sidecar?", path);
        }
    }

    /// <summary>The <c>dotnet</c> host running the tests, so the child uses the same runtime.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>
    /// A published kubesync executable to run instead of the built <c>kubesync.dll</c>, from
    /// <c>KUBESYNC_TEST_EXECUTABLE</c>: <c>.ci/run</c> runs the functional tests again against the natively compiled
    /// executable that the image ships. Null: run the IL.
    /// </summary>
    public static string? NativeExecutable =>
        Environment.GetEnvironmentVariable("KUBESYNC_TEST_EXECUTABLE") is { Length: > 0 } path
            ? File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException("KUBESYNC_TEST_EXECUTABLE names no file", path)
            : null;

    /// <summary>The command line that starts kubesync: the native executable, else <c>dotnet exec kubesync.dll</c>.</summary>
    public static IReadOnlyList<string> Command(string dotnetHost) => NativeExecutable is { } native ? [native] : [dotnetHost, "exec", AssemblyPath];

    /// <summary>Starts kubesync with <paramref name="args"/>; the caller owns the process.</summary>
    public static Process Start(IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string>? environment = null, IEnumerable<string>? prefix = null)
    {
        var command = Command(DotnetHost);
        var info = new ProcessStartInfo
        {
            FileName = prefix?.FirstOrDefault() ?? command[0],
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in (prefix?.Skip(1) ?? []).Concat(prefix is null ? command.Skip(1) : command).Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        // A child must not pick up the developer's or CI's own kubesync settings.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("KUBESYNC_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start kubesync");
    }

    /// <summary>Runs kubesync to completion (failing the test after <paramref name="timeout"/>).</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string>? environment = null, TimeSpan? timeout = null, IEnumerable<string>? prefix = null)
    {
        using var process = Start(args, workingDirectory, environment, prefix);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubesync {string.Join(' ', args)} did not finish within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds} s");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Writes a one-group config and returns its path.</summary>
    public static string WriteConfig(string directory, string root, string node = "web-0", string peers = "[web-1=127.0.0.1:30866, web-2=127.0.0.1:30867]", string extra = "")
    {
        var path = Path.Combine(directory, "kubesync.yaml");
        var yaml = new StringBuilder()
            .AppendLine($"node: {node}")
            .AppendLine("groups:")
            .AppendLine($"  - {{name: web, root: \"{root}\", peers: {{static: {peers}}}{(extra.Length > 0 ? ", " + extra : "")}}}");
        File.WriteAllText(path, yaml.ToString());
        return path;
    }
}
