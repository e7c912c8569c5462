namespace KubeSync.Engine.Configuration;

/// <summary>The configuration as a plain tree (maps, lists, scalars) before it is typed: YAML and environment overrides both write into it.</summary>
internal abstract class ConfigNode
{
    public sealed class Scalar(string? value) : ConfigNode
    {
        public string? Value { get; } = value;
    }

    public sealed class List : ConfigNode
    {
        public List<ConfigNode> Items { get; } = [];
    }

    public sealed class Map : ConfigNode
    {
        /// <summary>Keys compare case-insensitively so that <c>KUBESYNC_KEYFILE</c> reaches <c>keyFile</c>.</summary>
        public Dictionary<string, ConfigNode> Entries { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
