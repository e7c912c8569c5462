namespace KubeSync.Engine.Metrics;

/// <summary>One series of a family: its labels and value, or its buckets for a histogram.</summary>
public sealed record MetricPoint(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, HistogramValue? Histogram = null);
