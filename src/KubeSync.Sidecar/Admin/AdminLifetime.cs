using Microsoft.Extensions.Hosting;

namespace KubeSync.Sidecar.Admin;

/// <summary>
/// The admin host's lifetime: none of its own. The default console lifetime would take SIGTERM and Ctrl-C, which
/// <c>kubesync run</c> handles itself (drain, then stop the admin endpoint last).
/// </summary>
internal sealed class AdminLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
