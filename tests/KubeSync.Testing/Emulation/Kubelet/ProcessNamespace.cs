using System.Diagnostics;
using System.Globalization;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// A PID namespace held open by a pause process, as the container runtime's sandbox does: a container started
/// through <see cref="Enter"/> sees only the processes of this namespace in its <c>/proc</c>. A pod with
/// <c>shareProcessNamespace: true</c> has one for all its containers; otherwise each container run gets its own. The
/// holder is PID 1 of the namespace and reaps its orphans; when it is killed, every process left in the namespace dies with it.
/// Needs root (CAP_SYS_ADMIN); without root the emulator's containers see the host's processes.
/// </summary>
internal sealed class ProcessNamespace : IDisposable
{
    private readonly Process _unshare;
    private int _disposed;

    private ProcessNamespace(Process unshare, int holder)
    {
        _unshare = unshare;
        HolderPid = holder;
    }

    /// <summary>The host pid of the namespace's PID 1.</summary>
    public int HolderPid { get; }

    /// <summary>The argv prefix that runs a program in this namespace: nsenter forks it there and waits for it, passing its exit on.</summary>
    public IReadOnlyList<string> Enter => ["nsenter", "--target", HolderPid.ToString(CultureInfo.InvariantCulture), "--pid", "--"];

    /// <summary>Whether containers get PID namespaces here.</summary>
    public static bool IsAvailable => Networking.NetworkCapabilities.IsRoot;

    /// <summary>A new namespace, once its PID 1 runs.</summary>
    public static async Task<ProcessNamespace> StartAsync(CancellationToken cancellationToken)
    {
        // PID 1 reaps the orphans of the namespace, as the pause container does: bash waits for its sleep with
        // waitpid(-1), which also collects any adopted child that has died.
        var info = new ProcessStartInfo("unshare", ["--pid", "--fork", "--kill-child", "--", "bash", "-c", "while :; do sleep 3600; done"])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        };
        var unshare = Process.Start(info) ?? throw new InvalidOperationException("could not start unshare for a PID namespace");
        try
        {
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                if (ChildOf(unshare.Id) is { } child)
                {
                    return new ProcessNamespace(unshare, child);
                }

                if (unshare.HasExited)
                {
                    throw new InvalidOperationException($"unshare --pid failed ({unshare.ExitCode}): {(await unshare.StandardError.ReadToEndAsync(cancellationToken)).Trim()}");
                }

                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException("the PID namespace's holder did not start within 10 s");
                }

                await Task.Delay(2, cancellationToken);
            }
        }
        catch
        {
            Kill(unshare);
            unshare.Dispose();
            throw;
        }
    }

    /// <summary>The first child of <paramref name="pid"/> (from <c>/proc/PID/task/PID/children</c>), or null.</summary>
    public static int? ChildOf(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
            var first = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return first is not null && int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var child) ? child : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Kills the holder, and with it whatever still runs in the namespace.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Kill(_unshare);
        _unshare.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Gone already.
        }
    }
}
