using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace KubeSync.Engine.Metrics;

/// <summary>
/// Listens to one <see cref="Meter"/> and keeps what Prometheus needs: the sum of each pushed counter series, the
/// buckets of each histogram series (bounds from the instrument's advice), and, at each <see cref="Collect"/>, what
/// the observable instruments report. Families are named after the instruments; their descriptions are the help.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>Bucket bounds for a histogram that gives no advice, in seconds.</summary>
    public static readonly IReadOnlyList<double> DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();
    private readonly Lock _collect = new();
    private Dictionary<Instrument, Dictionary<string, MetricPoint>>? _observed;

    public MetricsCollector(Meter meter)
    {
        _meter = meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter))
            {
                _families[instrument] = new Family(TypeOf(instrument), BoundsOf(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, state) => _families.TryRemove(instrument, out _);
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every family of the meter with its current series; observable instruments are called now.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_collect)
        {
            _observed = [];
            try
            {
                _listener.RecordObservableInstruments();
                var result = new List<MetricFamily>();
                foreach (var (instrument, family) in _families)
                {
                    var points = instrument.IsObservable
                        ? _observed.TryGetValue(instrument, out var observed) ? [.. observed.Values] : []
                        : family.Series.Values.Select(s => s.ToPoint(family.Type)).ToList();
                    result.Add(new MetricFamily(instrument.Name, instrument.Description ?? instrument.Name, family.Type, points));
                }

                return result;
            }
            finally
            {
                _observed = null;
            }
        }
    }

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_families.TryGetValue(instrument, out var family))
        {
            return;
        }

        var labels = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(labels, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var key = string.Join('\u0001', labels.Select(l => l.Key + "\u0002" + l.Value));
        if (instrument.IsObservable)
        {
            // Only during Collect, on its thread: observable callbacks run inside RecordObservableInstruments.
            if (_observed is { } observed)
            {
                if (!observed.TryGetValue(instrument, out var points))
                {
                    observed[instrument] = points = new Dictionary<string, MetricPoint>(StringComparer.Ordinal);
                }

                points[key] = new MetricPoint(labels, value);
            }

            return;
        }

        var series = family.Series.GetOrAdd(key, _ => new MetricSeries(labels, family.Bounds));
        switch (family.Type)
        {
            case MetricType.Histogram:
                series.Record(value);
                break;
            case MetricType.Counter:
                series.Add(value);
                break;
            default:
                if (IsGeneric(instrument, typeof(UpDownCounter<>)))
                {
                    series.Add(value);
                }
                else
                {
                    series.Set(value);
                }

                break;
        }
    }

    private static MetricType TypeOf(Instrument instrument) =>
        IsGeneric(instrument, typeof(Counter<>)) || IsGeneric(instrument, typeof(ObservableCounter<>)) ? MetricType.Counter
        : IsGeneric(instrument, typeof(Histogram<>)) ? MetricType.Histogram
        : MetricType.Gauge;

    private static bool IsGeneric(Instrument instrument, Type definition) =>
        instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == definition;

    private static double[] BoundsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
        Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        _ => [.. DefaultBounds],
    };

    public void Dispose() => _listener.Dispose();

    private sealed class Family(MetricType type, double[] bounds)
    {
        public MetricType Type { get; } = type;

        public double[] Bounds { get; } = bounds;

        public ConcurrentDictionary<string, MetricSeries> Series { get; } = new(StringComparer.Ordinal);
    }
}
