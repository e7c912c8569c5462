using KubeSync.Engine.Metrics;

namespace KubeSync.Engine.Tests.Metrics;

public sealed class PrometheusTextWriterTests
{
    private static KeyValuePair<string, string>[] Labels(params (string Key, string Value)[] labels) =>
        [.. labels.Select(l => new KeyValuePair<string, string>(l.Key, l.Value))];

    [Fact]
    public void Write_LabelValueWithQuoteBackslashAndNewline_Escaped()
    {
        var text = PrometheusTextWriter.Write([new MetricFamily("kubesync_files", "Files", MetricType.Gauge, [new MetricPoint(Labels(("group", "a\"b\\c\nd")), 3)])]);

        Assert.Contains("kubesync_files{group=\"a\\\"b\\\\c\\nd\"} 3\n", text);
    }

    [Fact]
    public void Write_HelpWithBackslashAndNewline_EscapedButQuotesKept()
    {
        var text = PrometheusTextWriter.Write([new MetricFamily("kubesync_x", "line \"one\"\\\nline two", MetricType.Gauge, [])]);

        Assert.Equal("# HELP kubesync_x line \"one\"\\\\\\nline two\n# TYPE kubesync_x gauge\n", text);
    }

    [Fact]
    public void Write_Counter_NamedTotalOnce()
    {
        var text = PrometheusTextWriter.Write(
        [
            new MetricFamily("kubesync_files_sent", "Sent", MetricType.Counter, [new MetricPoint(Labels(("group", "web")), 5)]),
            new MetricFamily("kubesync_other_total", "Other", MetricType.Counter, [new MetricPoint([], 1)]),
        ]);

        Assert.Equal(
            "# HELP kubesync_files_sent_total Sent\n# TYPE kubesync_files_sent_total counter\nkubesync_files_sent_total{group=\"web\"} 5\n"
            + "# HELP kubesync_other_total Other\n# TYPE kubesync_other_total counter\nkubesync_other_total 1\n",
            text);
    }

    [Fact]
    public void Write_Histogram_CumulativeBucketsInfSumAndCount()
    {
        var histogram = new HistogramValue([0.1, 1, 10], [2, 0, 3, 1], 27.5, 6);
        var text = PrometheusTextWriter.Write([new MetricFamily("kubesync_scan_duration_seconds", "Scans", MetricType.Histogram, [new MetricPoint(Labels(("group", "web")), 6, histogram)])]);

        Assert.Equal(
            """
            # HELP kubesync_scan_duration_seconds Scans
            # TYPE kubesync_scan_duration_seconds histogram
            kubesync_scan_duration_seconds_bucket{group="web",le="0.1"} 2
            kubesync_scan_duration_seconds_bucket{group="web",le="1"} 2
            kubesync_scan_duration_seconds_bucket{group="web",le="10"} 5
            kubesync_scan_duration_seconds_bucket{group="web",le="+Inf"} 6
            kubesync_scan_duration_seconds_sum{group="web"} 27.5
            kubesync_scan_duration_seconds_count{group="web"} 6

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Write_HistogramWithoutLabels_OnlyLeLabel()
    {
        var text = PrometheusTextWriter.Write([new MetricFamily("h_seconds", "H", MetricType.Histogram, [new MetricPoint([], 0, new HistogramValue([1], [0, 0], 0, 0))])]);

        Assert.Contains("h_seconds_bucket{le=\"1\"} 0\nh_seconds_bucket{le=\"+Inf\"} 0\nh_seconds_sum 0\nh_seconds_count 0\n", text);
    }

    [Fact]
    public void Write_HistogramWithWrongCountLength_Throws()
    {
        var bad = new MetricFamily("h", "H", MetricType.Histogram, [new MetricPoint([], 0, new HistogramValue([1, 2], [0, 0], 0, 0))]);

        Assert.Throws<ArgumentException>(() => PrometheusTextWriter.Write([bad]));
    }

    [Fact]
    public void Write_FamiliesAndSeries_SortedByNameAndLabels()
    {
        var text = PrometheusTextWriter.Write(
        [
            new MetricFamily("b", "B", MetricType.Gauge, [new MetricPoint(Labels(("peer", "z")), 1), new MetricPoint(Labels(("peer", "a")), 2)]),
            new MetricFamily("a", "A", MetricType.Gauge, [new MetricPoint([], 0.25)]),
        ]);

        Assert.Equal("# HELP a A\n# TYPE a gauge\na 0.25\n# HELP b B\n# TYPE b gauge\nb{peer=\"a\"} 2\nb{peer=\"z\"} 1\n", text);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1e21, "1E+21")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(123456789012, "123456789012")]
    public void FormatValue_SpecialAndLargeValues_AsTheFormatSpellsThem(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));
}
