using System.Globalization;

namespace KubeSync.Engine.Configuration;

/// <summary>
/// Reads typed values out of one map of the tree, naming the full key in every error. Keys that nothing read
/// are reported by <see cref="RejectUnknownKeys"/>, so a typo (<c>exlude</c>) stops the process instead of
/// silently syncing what it should not.
/// </summary>
internal sealed class ConfigReader
{
    private readonly ConfigNode.Map _map;
    private readonly string _prefix;
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    public ConfigReader(ConfigNode.Map map, string prefix)
    {
        _map = map;
        _prefix = prefix;
    }

    public string Key(string name) => _prefix.Length == 0 ? name : $"{_prefix}.{name}";

    public bool Has(string name) => _map.Entries.TryGetValue(name, out var node) && node is not ConfigNode.Scalar { Value: null };

    public string? String(string name)
    {
        var node = Node(name);
        return node switch
        {
            null => null,
            ConfigNode.Scalar s => s.Value,
            _ => throw new ConfigException(Key(name), "expected a single value, got a " + Describe(node)),
        };
    }

    public string RequiredString(string name) =>
        String(name) is { Length: > 0 } s ? s : throw new ConfigException(Key(name), "is required");

    public bool Bool(string name, bool fallback) => String(name)?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        var other => throw new ConfigException(Key(name), $"expected true or false, got \"{other}\""),
    };

    public int Int(string name, int fallback, int min, int max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new ConfigException(Key(name), $"expected a whole number, got \"{text}\"");
        }

        return value < min || value > max ? throw new ConfigException(Key(name), $"must be between {min} and {max}, got {value}") : value;
    }

    public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!Configuration.Duration.TryParse(text, out var value))
        {
            throw new ConfigException(Key(name), $"expected a duration such as 20ms, 30s, 10m or 1h, got \"{text}\"");
        }

        if (value < min || value > max)
        {
            throw new ConfigException(Key(name), $"must be between {Configuration.Duration.Format(min)} and {Configuration.Duration.Format(max)}, got {text}");
        }

        return value;
    }

    public TEnum Enum<TEnum>(string name, TEnum fallback, IReadOnlyDictionary<string, TEnum> names)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        return names.TryGetValue(text, out var value)
            ? value
            : throw new ConfigException(Key(name), $"must be one of {string.Join(", ", names.Keys)}; got \"{text}\"");
    }

    /// <summary>A list of strings; a single scalar counts as a one-item list.</summary>
    public IReadOnlyList<string>? StringList(string name)
    {
        var node = Node(name);
        switch (node)
        {
            case null:
                return null;
            case ConfigNode.Scalar s:
                return [s.Value ?? ""];
            case ConfigNode.List list:
                var result = new List<string>();
                for (var i = 0; i < list.Items.Count; i++)
                {
                    result.Add(list.Items[i] is ConfigNode.Scalar { Value: { } v } ? v : throw new ConfigException($"{Key(name)}[{i}]", "expected a single value"));
                }

                return result;
            default:
                throw new ConfigException(Key(name), "expected a list, got a map");
        }
    }

    /// <summary>A map whose values are single values (<c>matchLabels</c>), keys as written.</summary>
    public IReadOnlyDictionary<string, string>? StringMap(string name)
    {
        var node = Node(name);
        if (node is null)
        {
            return null;
        }

        if (node is not ConfigNode.Map map)
        {
            throw new ConfigException(Key(name), "expected a map of keys, got a " + Describe(node));
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            result[key] = value is ConfigNode.Scalar { Value: { } v } ? v : throw new ConfigException($"{Key(name)}.{key}", "expected a single value");
        }

        return result;
    }

    public ConfigReader? Map(string name)
    {
        var node = Node(name);
        return node switch
        {
            null => null,
            ConfigNode.Map map => new ConfigReader(map, Key(name)),
            _ => throw new ConfigException(Key(name), "expected a map of keys, got a " + Describe(node)),
        };
    }

    /// <summary>The items of a list of maps, each with its own reader keyed <c>name[i]</c>.</summary>
    public IReadOnlyList<ConfigReader> MapList(string name)
    {
        var node = Node(name);
        if (node is null)
        {
            return [];
        }

        if (node is not ConfigNode.List list)
        {
            throw new ConfigException(Key(name), "expected a list, got a " + Describe(node));
        }

        return [.. list.Items.Select((item, i) => item is ConfigNode.Map m
            ? new ConfigReader(m, $"{Key(name)}[{i}]")
            : throw new ConfigException($"{Key(name)}[{i}]", "expected a map of keys, got a " + Describe(item)))];
    }

    /// <summary>Fails on the first key of this map that nothing read, suggesting the closest known key.</summary>
    public void RejectUnknownKeys(IEnumerable<string> known)
    {
        foreach (var key in _map.Entries.Keys.Order(StringComparer.Ordinal))
        {
            if (_read.Contains(key))
            {
                continue;
            }

            var best = known.Select(k => (k, d: EditDistance(k.ToLowerInvariant(), key.ToLowerInvariant()))).OrderBy(x => x.d).FirstOrDefault();
            var hint = best.k is not null && best.d <= 2 ? $" (did you mean '{best.k}'?)" : "";
            throw new ConfigException(Key(key), "unknown key" + hint);
        }
    }

    private ConfigNode? Node(string name)
    {
        _read.Add(name);
        return _map.Entries.TryGetValue(name, out var node) && node is not ConfigNode.Scalar { Value: null } ? node : null;
    }

    private static string Describe(ConfigNode node) => node switch
    {
        ConfigNode.List => "list",
        ConfigNode.Map => "map",
        _ => "value",
    };

    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }
}
