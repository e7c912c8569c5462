using System.Collections;

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeSync.Engine.Configuration;

/// <summary>Builds the untyped tree from YAML text and overlays <c>KUBESYNC_*</c> environment variables on it.</summary>
internal static partial class ConfigTreeBuilder
{
    /// <summary>Environment variables with this prefix override keys: <c>KUBESYNC_TIMING__DEBOUNCE</c>, <c>KUBESYNC_GROUPS__0__ROOT</c>.</summary>
    public const string EnvironmentPrefix = "KUBESYNC_";

    /// <summary>Variables with the prefix that are not keys.</summary>
    private static readonly HashSet<string> NotKeys = new(StringComparer.OrdinalIgnoreCase) { "KUBESYNC_CONFIG" };

    /// <summary>
    /// What Kubernetes puts into every pod of a namespace for each Service there (service links): for a Service
    /// <c>kubesync</c> (the chart's, released as <c>kubesync</c>) or <c>kubesync-metrics</c>, variables such as
    /// <c>KUBESYNC_SERVICE_HOST</c>, <c>KUBESYNC_PORT_8080_TCP_ADDR</c> or <c>KUBESYNC_METRICS_SERVICE_PORT_HTTP</c>. They
    /// name no key and must not stop the sidecar; a name with <c>__</c> is a key path and is never taken for one.
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex("^KUBESYNC_(?:[A-Z0-9_]*_)?(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT(?:_[0-9]+_(?:TCP|UDP|SCTP)(?:_(?:PROTO|PORT|ADDR))?)?)$")]
    private static partial System.Text.RegularExpressions.Regex ServiceLink();

    /// <summary>Whether <paramref name="name"/> is a Kubernetes service link variable rather than a key override.</summary>
    internal static bool IsServiceLink(string name) => !name.Contains("__", StringComparison.Ordinal) && ServiceLink().IsMatch(name);

    public static ConfigNode.Map FromYaml(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ConfigException("", $"{sourceName}: line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new ConfigNode.Map();
        }

        if (stream.Documents.Count > 1)
        {
            throw new ConfigException("", $"{sourceName}: holds {stream.Documents.Count} YAML documents; expected one");
        }

        return Convert(stream.Documents[0].RootNode, "") as ConfigNode.Map
            ?? throw new ConfigException("", $"{sourceName}: the top level must be a map of keys");
    }

    public static void ApplyEnvironment(ConfigNode.Map root, IDictionary environment)
    {
        var names = environment.Keys.Cast<object>().Select(k => k.ToString()!)
            .Where(k => k.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && !NotKeys.Contains(k) && !IsServiceLink(k))
            .Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var segments = name[EnvironmentPrefix.Length..].Split("__");
            if (segments.Any(string.IsNullOrEmpty))
            {
                throw new ConfigException(name, "environment variable does not name a key (use KUBESYNC_KEY__SUBKEY__0)");
            }

            Set(root, segments, environment[name]?.ToString(), name);
        }
    }

    private static void Set(ConfigNode node, string[] segments, string? value, string variable)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            var segment = segments[i].ToLowerInvariant();
            ConfigNode Next() => last ? new ConfigNode.Scalar(value) : int.TryParse(segments[i + 1], out _) ? new ConfigNode.List() : new ConfigNode.Map();
            switch (node)
            {
                case ConfigNode.Map map:
                    if (last || !map.Entries.TryGetValue(segment, out var child) || child is ConfigNode.Scalar)
                    {
                        child = Next();
                        map.Entries[segment] = child;
                    }

                    node = child;
                    break;
                case ConfigNode.List list when int.TryParse(segment, out var index) && index >= 0 && index <= list.Items.Count:
                    if (index == list.Items.Count)
                    {
                        list.Items.Add(Next());
                    }
                    else if (last)
                    {
                        list.Items[index] = Next();
                    }

                    node = list.Items[index];
                    break;
                default:
                    throw new ConfigException(variable, $"'{segments[i]}' does not fit the configuration's shape here (a list index must be 0..count)");
            }
        }
    }

    private static ConfigNode Convert(YamlNode node, string key)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                // An unquoted ~ or null is YAML's null; "" quoted stays an empty string.
                var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "~" or "null" or "Null" or "NULL";
                return new ConfigNode.Scalar(isNull ? null : scalar.Value);
            case YamlSequenceNode sequence:
                var list = new ConfigNode.List();
                var i = 0;
                foreach (var item in sequence.Children)
                {
                    list.Items.Add(Convert(item, $"{key}[{i++}]"));
                }

                return list;
            case YamlMappingNode mapping:
                var map = new ConfigNode.Map();
                foreach (var (k, v) in mapping.Children)
                {
                    var name = (k as YamlScalarNode)?.Value ?? throw new ConfigException(key, $"line {k.Start.Line}: keys must be plain words");
                    if (!map.Entries.TryAdd(name, Convert(v, Join(key, name))))
                    {
                        throw new ConfigException(Join(key, name), $"line {k.Start.Line}: key given twice");
                    }
                }

                return map;
            default:
                throw new ConfigException(key, $"line {node.Start.Line}: YAML aliases and tags are not supported here");
        }
    }

    private static string Join(string key, string name) => key.Length == 0 ? name : $"{key}.{name}";
}
