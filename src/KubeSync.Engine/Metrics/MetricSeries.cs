namespace KubeSync.Engine.Metrics;

/// <summary>The running value of one pushed series (a counter's sum or a histogram's buckets), safe for concurrent recording.</summary>
internal sealed class MetricSeries
{
    private readonly Lock _lock = new();
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private double _value;
    private double _sum;
    private long _count;

    public MetricSeries(KeyValuePair<string, string>[] labels, double[] bounds)
    {
        Labels = labels;
        _bounds = bounds;
        _counts = new long[bounds.Length + 1];
    }

    public KeyValuePair<string, string>[] Labels { get; }

    public void Add(double value)
    {
        lock (_lock)
        {
            _value += value;
        }
    }

    public void Set(double value)
    {
        lock (_lock)
        {
            _value = value;
        }
    }

    /// <summary>Counts <paramref name="value"/> in the first bucket whose upper bound is at least the value.</summary>
    public void Record(double value)
    {
        var index = Array.BinarySearch(_bounds, value);
        index = index >= 0 ? index : ~index;
        lock (_lock)
        {
            _counts[index]++;
            _sum += value;
            _count++;
        }
    }

    public MetricPoint ToPoint(MetricType type)
    {
        lock (_lock)
        {
            return type == MetricType.Histogram
                ? new MetricPoint(Labels, _count, new HistogramValue(_bounds, [.. _counts], _sum, _count))
                : new MetricPoint(Labels, _value);
        }
    }
}
