namespace KubeSync.Contracts.Schema;

/// <summary>Patterns shared by several properties of the schema.</summary>
public static class SchemaPatterns
{
    /// <summary>A duration as the sidecar reads it: <c>500us</c>, <c>20ms</c>, <c>1.5s</c>, <c>10m</c>, <c>1h30m</c>, <c>2d</c>.</summary>
    public const string Duration = "^([0-9]+(\\.[0-9]+)?(us|ms|s|m|h|d))+$";

    /// <summary>An absolute path other than <c>/</c>.</summary>
    public const string AbsolutePath = "^/[^\\x00]+$";
}
