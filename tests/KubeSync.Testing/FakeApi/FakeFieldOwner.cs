namespace KubeSync.Testing.FakeApi;

/// <summary>The fields one manager owns in one object, and when it last wrote them.</summary>
internal sealed class FakeFieldOwner
{
    public HashSet<string> Paths { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset Time { get; set; }

    public string ApiVersion { get; set; } = "v1";
}
