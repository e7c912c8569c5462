using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

/// <summary><c>events.k8s.io/v1</c> Event.</summary>
public sealed class KubeEvent : KubeObject
{
    /// <summary>Required by the API, as a MicroTime.</summary>
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? EventTime { get; set; }

    public string? ReportingController { get; set; }

    public string? ReportingInstance { get; set; }

    public string? Action { get; set; }

    public string? Reason { get; set; }

    public ObjectReference? Regarding { get; set; }

    public ObjectReference? Related { get; set; }

    public string? Note { get; set; }

    /// <summary><c>Normal</c> or <c>Warning</c>.</summary>
    public string? Type { get; set; }

    public EventSeries? Series { get; set; }
}
