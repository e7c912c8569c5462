using System.Globalization;
using System.Text;

namespace KubeSync.Engine.Metrics;

/// <summary>
/// Renders metric families in the Prometheus text exposition format 0.0.4: <c># HELP</c> and <c># TYPE</c> lines,
/// escaped label values, counters named <c>…_total</c>, histograms as cumulative <c>_bucket{le}</c> series ending
/// with <c>+Inf</c>, then <c>_sum</c> and <c>_count</c>. Families are written in name order, series in label order,
/// so a scrape is stable.
/// </summary>
public static class PrometheusTextWriter
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var name = family.Type == MetricType.Counter && !family.Name.EndsWith("_total", StringComparison.Ordinal) ? family.Name + "_total" : family.Name;
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var point in family.Points.OrderBy(p => LabelKey(p.Labels), StringComparer.Ordinal))
            {
                if (family.Type == MetricType.Histogram)
                {
                    WriteHistogram(text, name, point);
                }
                else
                {
                    WriteSample(text, name, point.Labels, null, point.Value);
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Escapes a label value: backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Escapes help text: backslash and line feed.</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A sample value or bucket bound as the format spells it (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>).</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void WriteHistogram(StringBuilder text, string name, MetricPoint point)
    {
        var histogram = point.Histogram ?? throw new ArgumentException($"{name}: a histogram series without buckets", nameof(point));
        if (histogram.Counts.Count != histogram.Bounds.Count + 1)
        {
            throw new ArgumentException($"{name}: {histogram.Bounds.Count} bounds need {histogram.Bounds.Count + 1} counts, got {histogram.Counts.Count}", nameof(point));
        }

        long cumulative = 0;
        for (var i = 0; i <= histogram.Bounds.Count; i++)
        {
            cumulative += histogram.Counts[i];
            var le = i < histogram.Bounds.Count ? FormatValue(histogram.Bounds[i]) : "+Inf";
            WriteSample(text, name + "_bucket", point.Labels, le, cumulative);
        }

        WriteSample(text, name + "_sum", point.Labels, null, histogram.Sum);
        WriteSample(text, name + "_count", point.Labels, null, histogram.Count);
    }

    private static void WriteSample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                text.Append(first ? "" : ",").Append(key).Append("=\"").Append(EscapeLabelValue(labelValue)).Append('"');
                first = false;
            }

            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    private static string LabelKey(IReadOnlyList<KeyValuePair<string, string>> labels) =>
        string.Join('\u0001', labels.Select(l => l.Key + "\u0002" + l.Value));

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
