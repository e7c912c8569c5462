using System.Diagnostics;
using System.Net;
using System.Text;

using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

namespace KubeSync.Emulation.Tests;

/// <summary>
/// The real <c>kubesync-operator</c> (the built <c>kubesync-operator.dll</c> next to the tests) as a child process,
/// pointed at the fake API server with a kubeconfig, its HTTP endpoints on a loopback port. Its output is kept for
/// failure messages; disposing kills it.
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly Action<string> _echo;

    private OperatorProcess(Process process, Uri address, Action<string> echo)
    {
        _process = process;
        Address = address;
        _echo = echo;
    }

    /// <summary>Base address of <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>.</summary>
    public Uri Address { get; }

    /// <summary>Everything the operator printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "kubesync-operator.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("kubesync-operator.dll is not next to the tests; does the test project reference KubeSync.Operator?", path);
        }
    }

    /// <summary>Starts the operator and waits until its <c>/readyz</c> answers 200 (it leads and its caches have listed).</summary>
    public static async Task<OperatorProcess> StartAsync(FakeKubeApiServer server, string directory, string sidecarImage, Action<string> echo)
    {
        var kubeconfig = server.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
        var address = new Uri($"http://127.0.0.1:{TestPorts.Reserve()}");
        var info = new ProcessStartInfo(KubeSyncProcess.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(AssemblyPath);

        // Neither the machine's cluster nor the developer's settings leak in: only the kubeconfig written here counts.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("KUBESYNC_", StringComparison.Ordinal) || k.StartsWith("KUBERNETES_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["KUBECONFIG"] = kubeconfig;
        info.Environment["KUBESYNC_SIDECAR_IMAGE"] = sidecarImage;
        info.Environment["POD_NAMESPACE"] = "default";
        info.Environment["POD_NAME"] = "kubesync-operator-0";
        info.Environment["KUBESYNC_HTTP_ADDRESS"] = address.AbsoluteUri.TrimEnd('/');
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning"; // not a line per probe
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start kubesync-operator");
        var running = new OperatorProcess(process, address, echo);
        process.OutputDataReceived += (_, e) => running.Append(e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await running.WaitReadyAsync();
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }

        return running;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"kubesync-operator exited with {_process.ExitCode}:\n{Log}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(Address, "/readyz"));
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            },
            () => $"kubesync-operator /readyz at {Address}\n{Log}",
            TimeSpan.FromSeconds(90));
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        try
        {
            _echo($"operator: {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output helper no longer takes lines.
        }
    }
}
