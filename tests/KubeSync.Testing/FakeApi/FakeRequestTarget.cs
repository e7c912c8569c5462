namespace KubeSync.Testing.FakeApi;

/// <summary>A resource URL taken apart: <c>/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}/{subresource}</c>.</summary>
internal sealed record FakeRequestTarget(FakeResourceDefinition Definition, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Parses the segments after the group version; null when they name no known resource.</summary>
    public static FakeRequestTarget? Parse(FakeResourceRegistry registry, string group, string version, ReadOnlySpan<string> rest)
    {
        string? ns = null;
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            ns = rest[1];
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3)
        {
            return null;
        }

        var definition = registry.Find(group, version, rest[0]);
        if (definition is null || (ns is not null && !definition.Namespaced))
        {
            return null;
        }

        return new FakeRequestTarget(definition, ns, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
    }
}
