using KubeSync.Engine.Metrics;
using KubeSync.Operator.Reconciling;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KubeSync.Operator.Hosting;

public static class OperatorEndpoints
{
    /// <summary>Maps <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>.</summary>
    public static IEndpointRouteBuilder MapOperatorEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/metrics", (OperatorRunner runner, SyncGroupReconciler reconciler) =>
            Results.Text(OperatorMetrics.Render(runner, reconciler), PrometheusTextWriter.ContentType));
        endpoints.MapGet("/healthz", (OperatorRunner runner) => Answer(OperatorHealth.Live(runner)));
        endpoints.MapGet("/readyz", (OperatorRunner runner) => Answer(OperatorHealth.Ready(runner)));
        return endpoints;
    }

    private static IResult Answer((bool Ok, string Reason) check) =>
        Results.Text(check.Reason + "\n", "text/plain; charset=utf-8", statusCode: check.Ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
}
