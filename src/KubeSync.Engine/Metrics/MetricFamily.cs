namespace KubeSync.Engine.Metrics;

/// <summary>One metric name with its help, type and series; a counter's name gets <c>_total</c> when written.</summary>
public sealed record MetricFamily(string Name, string Help, MetricType Type, IReadOnlyList<MetricPoint> Points);
