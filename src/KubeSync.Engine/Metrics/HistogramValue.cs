namespace KubeSync.Engine.Metrics;

/// <summary>
/// A histogram series: <see cref="Counts"/> holds one count per bucket, not cumulative, the last one for values above
/// every bound (so it has one item more than <see cref="Bounds"/>).
/// </summary>
public sealed record HistogramValue(IReadOnlyList<double> Bounds, IReadOnlyList<long> Counts, double Sum, long Count);
