namespace KubeSync.Engine.Metrics;

/// <summary>The Prometheus metric types KubeSync exposes.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
