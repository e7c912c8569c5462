namespace KubeSync.Kubernetes.Resources;

/// <summary>
/// <c>metav1.Time</c>: RFC 3339 in UTC with whole seconds (<c>2026-11-21T09:00:00Z</c>). Reading accepts any RFC 3339 form.
/// </summary>
public sealed class KubeTimeConverter() : KubeTimeConverterBase("yyyy-MM-dd'T'HH:mm:ss'Z'");
