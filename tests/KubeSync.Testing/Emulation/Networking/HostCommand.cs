using System.Diagnostics;

namespace KubeSync.Testing.Emulation.Networking;

/// <summary>Runs a host tool (<c>ip</c>, <c>nsenter</c>) to completion with a deadline.</summary>
internal static class HostCommand
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string program, IReadOnlyList<string> args, CancellationToken cancellationToken, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            info.Environment.Clear();
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in time");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs <c>ip ARGS</c>; a non-zero exit throws with ip's own message.</summary>
    public static async Task IpAsync(CancellationToken cancellationToken, params string[] args)
    {
        var result = await RunAsync("ip", args, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
        }
    }

    /// <summary>Cleanup: runs <c>ip ARGS</c> and ignores failure (what is gone need not be deleted).</summary>
    public static async Task IpMayFailAsync(params string[] args)
    {
        try
        {
            await RunAsync("ip", args, CancellationToken.None, TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Best effort; the caller goes on with the rest of its cleanup.
        }
    }
}
