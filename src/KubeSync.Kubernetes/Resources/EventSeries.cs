using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

/// <summary>How often an Event recurred, kept on the first Event instead of writing a new one each time.</summary>
public sealed class EventSeries
{
    public int? Count { get; set; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? LastObservedTime { get; set; }
}
