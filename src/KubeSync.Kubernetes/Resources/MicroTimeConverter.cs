namespace KubeSync.Kubernetes.Resources;

/// <summary>
/// <c>metav1.MicroTime</c>: RFC 3339 in UTC with exactly six fractional digits
/// (<c>2026-11-21T09:00:00.123456Z</c>). The API server rejects Lease and Event times in any other form.
/// </summary>
public sealed class MicroTimeConverter() : KubeTimeConverterBase(Format)
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
}
