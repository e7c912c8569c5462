namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>The pod's way from sandbox to running, and back.</summary>
internal sealed partial class PodWorker
{
    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            _sandbox = await _network.CreateAsync(stopping);
            if (Pod.Spec?.ShareProcessNamespace == true && ProcessNamespace.IsAvailable)
            {
                SharedProcesses = await ProcessNamespace.StartAsync(stopping);
            }

            WriteEtcFiles(null);
            _statusLoop = Task.Run(StatusLoopAsync, CancellationToken.None);
            Journal.Write($"kubelet: {Name} sandbox ready, IP {_sandbox.IP}");
            Changed();
            await WaitForVolumesAsync(stopping);
            foreach (var container in Pod.Spec?.InitContainers ?? [])
            {
                var kind = container.RestartPolicy == "Always" ? ContainerKind.Sidecar : ContainerKind.Init;
                var runner = Add(container, kind);
                if (kind == ContainerKind.Sidecar)
                {
                    await runner.Started.WaitAsync(stopping);
                }
                else if (await runner.Finished.WaitAsync(stopping) != 0)
                {
                    Journal.Write($"kubelet: {Name} init container {container.Name} failed and restartPolicy is {RestartPolicy}: pod failed");
                    Changed();
                    return;
                }
            }

            _initialized = true;
            foreach (var container in Pod.Spec?.Containers ?? [])
            {
                Add(container, ContainerKind.App);
            }

            Changed();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Deleted before it was up.
        }
        catch (Exception e)
        {
            // A pod the emulator cannot run (an unsupported volume, ip failing) stays Pending with the reason in the journal.
            _waitingFor = e.Message;
            Journal.Write($"kubelet: {Name} cannot run: {e}");
            _failed($"pod {Name} cannot run: {e}");
            Changed();
        }
    }

    private ContainerRunner Add(KubeSync.Kubernetes.Resources.Container container, ContainerKind kind)
    {
        var runner = new ContainerRunner(this, container, kind);
        lock (_lock)
        {
            _runners.Add(runner);
        }

        runner.Start();
        return runner;
    }

    private async Task WaitForVolumesAsync(CancellationToken stopping)
    {
        while (true)
        {
            var missing = Volumes.Sync(Pod, Snapshot, _ => { });
            if (missing is null)
            {
                _waitingFor = null;
                return;
            }

            if (_waitingFor != missing)
            {
                Journal.Write($"kubelet: {Name} waiting: {missing}");
                _waitingFor = missing;
                Changed();
            }

            await WaitForSnapshotAsync(TimeSpan.FromSeconds(1), stopping);
        }
    }

    /// <summary>App containers first (together), then sidecars in reverse order, all within <paramref name="grace"/>; then the network.</summary>
    private async Task StopAsync(TimeSpan grace)
    {
        Journal.Write($"kubelet: {Name} terminating (grace {grace.TotalSeconds:0.###} s)");
        await _stopping.CancelAsync();
        var deadline = DateTimeOffset.UtcNow + grace;
        TimeSpan Left() => deadline - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(60));
            var runners = Containers;
            await Task.WhenAll(runners.Where(r => r.Kind == ContainerKind.App).Select(r => r.StopAsync(Left())));
            foreach (var runner in runners.Where(r => r.Kind != ContainerKind.App).Reverse())
            {
                await runner.StopAsync(Left());
            }
        }
        finally
        {
            await FinishStatusAsync();
            SharedProcesses?.Dispose();
            if (_sandbox is not null)
            {
                await _network.DeleteAsync(_sandbox);
            }

            Journal.Write($"kubelet: {Name} terminated");
        }
    }

    /// <summary>The pod's <c>/etc/hosts</c> (rewritten in place, so bind mounts see it), hostname, resolv.conf and host.conf.</summary>
    public void WriteEtcFiles(string? hosts)
    {
        var etc = Path.Combine(Directory, "etc");
        System.IO.Directory.CreateDirectory(etc);
        var ns = Pod.Metadata.Namespace;
        WriteInPlace(Path.Combine(etc, "hosts"), hosts ?? ServiceHosts.Render(Pod, Sandbox.IP, Snapshot));
        WriteIfMissing(Path.Combine(etc, "hostname"), ContainerEnvironment.Hostname(Pod) + "\n");
        WriteIfMissing(Path.Combine(etc, "resolv.conf"), $"search {ns}.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n");

        // glibc returns every address of a name listed on several lines only with "multi on" (Debian's default, not glibc's).
        WriteIfMissing(Path.Combine(etc, "host.conf"), "multi on\n");
    }

    private static void WriteIfMissing(string path, string content)
    {
        if (!File.Exists(path))
        {
            File.WriteAllText(path, content);
        }
    }

    /// <summary>Same inode, new content: a bind mount of the file keeps showing it. A reader may catch the moment between write and truncate; glibc re-reads hosts on every lookup.</summary>
    private static void WriteInPlace(string path, string content)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        var current = new byte[file.Length];
        file.ReadExactly(current);
        if (current.AsSpan().SequenceEqual(bytes))
        {
            return;
        }

        file.Position = 0;
        file.Write(bytes);
        file.SetLength(bytes.Length);
    }
}
