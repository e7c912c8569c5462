using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// The files of a <c>downwardAPI</c> volume (or projected source): each item's <c>fieldRef</c> rendered as the kubelet
/// does. <c>metadata.labels</c> and <c>metadata.annotations</c> are one <c>key="value"</c> per line, sorted by key, the
/// value quoted as Go's <c>%q</c>, no newline after the last; <c>metadata.name</c>, <c>metadata.namespace</c>,
/// <c>metadata.uid</c>, a single <c>metadata.labels['k']</c> or <c>metadata.annotations['k']</c> are the plain value.
/// </summary>
internal static class DownwardApiFiles
{
    /// <summary>Adds the items of <paramref name="source"/> to <paramref name="payload"/>; returns an error, or null.</summary>
    public static string? Add(Pod pod, JsonObject source, UnixFileMode defaultMode, Dictionary<string, (byte[] Data, UnixFileMode Mode)> payload)
    {
        foreach (var item in (source["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var path = item["path"]?.GetValue<string>();
            var field = item["fieldRef"]?["fieldPath"]?.GetValue<string>();
            if (path is null || field is null)
            {
                return $"downwardAPI item {item.ToJsonString()}: only fieldRef items with a path are emulated";
            }

            var value = Field(pod, field);
            if (value is null)
            {
                return $"downwardAPI fieldPath {field} is not emulated (metadata.labels, metadata.annotations, metadata.name, metadata.namespace, metadata.uid)";
            }

            var mode = item["mode"]?.GetValue<int>() is { } m ? (UnixFileMode)m : defaultMode;
            payload[path] = (Encoding.UTF8.GetBytes(value), mode);
        }

        return null;
    }

    private static string? Field(Pod pod, string field)
    {
        var labels = pod.Metadata.Labels ?? [];
        var annotations = pod.Metadata.Annotations ?? [];
        return field switch
        {
            "metadata.labels" => FormatMap(labels),
            "metadata.annotations" => FormatMap(annotations),
            "metadata.name" => pod.Metadata.Name ?? "",
            "metadata.namespace" => pod.Metadata.Namespace ?? "",
            "metadata.uid" => pod.Metadata.Uid ?? "",
            _ when Subscript(field, "metadata.labels") is { } key => labels.GetValueOrDefault(key, ""),
            _ when Subscript(field, "metadata.annotations") is { } key => annotations.GetValueOrDefault(key, ""),
            _ => null,
        };
    }

    private static string? Subscript(string field, string map) =>
        field.StartsWith(map + "['", StringComparison.Ordinal) && field.EndsWith("']", StringComparison.Ordinal) ? field[(map.Length + 2)..^2] : null;

    /// <summary>The kubelet's <c>fieldpath.FormatMap</c>: <c>key="value"</c> lines sorted by key, no trailing newline.</summary>
    public static string FormatMap(IReadOnlyDictionary<string, string> map) =>
        string.Join('\n', map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={GoQuote(kv.Value)}"));

    /// <summary>Go's <c>strconv.Quote</c> (what <c>%q</c> prints) for the characters label and annotation values hold.</summary>
    public static string GoQuote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            quoted.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\v' => "\\v",
                < 0x20 or 0x7f => "\\x" + rune.Value.ToString("x2", CultureInfo.InvariantCulture),
                _ when rune.Value != ' ' && !IsPrint(rune) => rune.Value > 0xffff ? "\\U" + rune.Value.ToString("x8", CultureInfo.InvariantCulture) : "\\u" + rune.Value.ToString("x4", CultureInfo.InvariantCulture),
                _ => rune.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsPrint(Rune rune) => Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate
        or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);
}
