namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>The container's startup, readiness and liveness probes.</summary>
internal sealed partial class ContainerRunner
{
    /// <summary>Runs until cancelled; returns why the container must be killed (a failed startup or liveness probe).</summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        var maxPeriod = _pod.Options.MaxProbePeriod;
        var startup = Probe.For(Container.StartupProbe, Container, maxPeriod);
        var readiness = Probe.For(Container.ReadinessProbe, Container, maxPeriod);
        var liveness = Probe.For(Container.LivenessProbe, Container, maxPeriod);
        try
        {
            if (startup is not null)
            {
                var failed = await UntilAsync(startup, "Startup", cancellationToken);
                if (failed is not null)
                {
                    return failed;
                }
            }

            // A plain init container has no probes that matter: it runs to completion.
            SetProbeResult(started: true, ready: readiness is null && Kind != ContainerKind.Init ? true : null);
            var live = liveness is null ? Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => (string?)null, TaskScheduler.Default) : LivenessAsync(liveness, cancellationToken);
            var ready = readiness is null ? Task.Delay(Timeout.Infinite, cancellationToken) : ReadinessAsync(readiness, cancellationToken);
            await Task.WhenAny(live, ready);
            return live.IsCompletedSuccessfully ? await live : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Probes until it passes (null) or fails <see cref="Probe.FailureThreshold"/> times in a row (the reason).</summary>
    private async Task<string?> UntilAsync(Probe probe, string kind, CancellationToken cancellationToken)
    {
        await Task.Delay(probe.InitialDelay, cancellationToken);
        var failures = 0;
        while (true)
        {
            var failure = await probe.CheckAsync(_pod.Sandbox.IP, ExecProbeAsync, cancellationToken);
            if (failure is null)
            {
                return null;
            }

            if (++failures >= probe.FailureThreshold)
            {
                return $"{kind} probe failed {failures} times: {failure}";
            }

            await Task.Delay(probe.Period, cancellationToken);
        }
    }

    private async Task<string?> LivenessAsync(Probe probe, CancellationToken cancellationToken)
    {
        await Task.Delay(probe.InitialDelay, cancellationToken);
        var failures = 0;
        while (true)
        {
            var failure = await probe.CheckAsync(_pod.Sandbox.IP, ExecProbeAsync, cancellationToken);
            failures = failure is null ? 0 : failures + 1;
            if (failures >= probe.FailureThreshold)
            {
                return $"Liveness probe failed {failures} times: {failure}";
            }

            await Task.Delay(probe.Period, cancellationToken);
        }
    }

    private async Task ReadinessAsync(Probe probe, CancellationToken cancellationToken)
    {
        await Task.Delay(probe.InitialDelay, cancellationToken);
        int successes = 0, failures = 0;
        string? reported = null;
        while (true)
        {
            var failure = await probe.CheckAsync(_pod.Sandbox.IP, ExecProbeAsync, cancellationToken);
            (successes, failures) = failure is null ? (successes + 1, 0) : (0, failures + 1);
            if (successes >= probe.SuccessThreshold)
            {
                SetProbeResult(ready: true);
            }
            else if (failures >= probe.FailureThreshold || (failures > 0 && !IsReady))
            {
                SetProbeResult(ready: false);
            }

            if (failure is not null && failure != reported && failures == 1)
            {
                _pod.Journal.Write($"kubelet: {_pod.Name}/{Name} readiness probe: {failure}");
            }

            reported = failure;
            await Task.Delay(probe.Period, cancellationToken);
        }
    }

    private async Task<int> ExecProbeAsync(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        (await ExecAsync(command, cancellationToken)).ExitCode;
}
