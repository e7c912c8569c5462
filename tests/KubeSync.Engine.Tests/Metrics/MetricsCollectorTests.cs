using System.Diagnostics.Metrics;

using KubeSync.Engine.Metrics;

namespace KubeSync.Engine.Tests.Metrics;

public sealed class MetricsCollectorTests
{
    [Fact]
    public void Collect_CounterAndHistogramWithAdvice_SumsAndBuckets()
    {
        using var meter = new Meter("KubeSync.Test." + Guid.NewGuid());
        using var collector = new MetricsCollector(meter);
        var counter = meter.CreateCounter<long>("c", description: "C");
        var histogram = meter.CreateHistogram("h_seconds", unit: "s", description: "H", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5] });

        counter.Add(2, new KeyValuePair<string, object?>("group", "web"));
        counter.Add(3, new KeyValuePair<string, object?>("group", "web"));
        histogram.Record(0.5);
        histogram.Record(1);
        histogram.Record(7);

        var families = collector.Collect().ToDictionary(f => f.Name);
        var c = Assert.Single(families["c"].Points);
        Assert.Equal(MetricType.Counter, families["c"].Type);
        Assert.Equal(5, c.Value);
        Assert.Equal([new KeyValuePair<string, string>("group", "web")], c.Labels);
        var h = Assert.Single(families["h_seconds"].Points).Histogram!;
        Assert.Equal([1.0, 5.0], h.Bounds);
        Assert.Equal([2L, 0L, 1L], h.Counts);
        Assert.Equal(8.5, h.Sum);
        Assert.Equal(3, h.Count);
    }

    [Fact]
    public void Collect_ObservableInstruments_ReadAtEachCollect()
    {
        using var meter = new Meter("KubeSync.Test." + Guid.NewGuid());
        using var collector = new MetricsCollector(meter);
        var value = 1L;
        meter.CreateObservableGauge("g", () => new Measurement<long>(value, new KeyValuePair<string, object?>("peer", "b"), new KeyValuePair<string, object?>("group", "web")), description: "G");

        Assert.Equal(1, Assert.Single(Assert.Single(collector.Collect()).Points).Value);
        value = 4;
        var point = Assert.Single(Assert.Single(collector.Collect()).Points);
        Assert.Equal(4, point.Value);
        Assert.Equal(["group", "peer"], point.Labels.Select(l => l.Key));
    }

    [Fact]
    public void Collect_InstrumentOfAnotherMeter_NotCollected()
    {
        using var mine = new Meter("KubeSync.Test." + Guid.NewGuid());
        using var other = new Meter("KubeSync.Test." + Guid.NewGuid());
        using var collector = new MetricsCollector(mine);
        other.CreateCounter<long>("theirs").Add(1);

        Assert.Empty(collector.Collect());
    }
}
