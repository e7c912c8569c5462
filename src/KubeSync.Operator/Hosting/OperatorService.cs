using KubeSync.Operator.Reconciling;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeSync.Operator.Hosting;

/// <summary>Runs the replica for the host's lifetime; losing leadership or a failed loop stops the process (exit code 1).</summary>
public sealed class OperatorService(OperatorRunner runner, IHostApplicationLifetime lifetime, ILogger<OperatorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await runner.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            OperatorLog.LeadershipLost(logger);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }
}
