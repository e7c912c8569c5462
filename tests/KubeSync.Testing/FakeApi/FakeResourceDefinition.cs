namespace KubeSync.Testing.FakeApi;

/// <summary>A resource the fake serves; it appears in discovery and gets generic storage.</summary>
public sealed record FakeResourceDefinition(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced = true,
    bool HasStatusSubresource = false,
    IReadOnlyList<string>? ShortNames = null)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    internal string Key => $"{Group}/{Version}/{Plural}";
}
