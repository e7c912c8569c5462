using System.Collections.Immutable;
using System.Text;

namespace KubeSync.Engine.State;

/// <summary>
/// A version vector: for each member that changed a file, how many changes it made. Immutable; entries are
/// kept sorted by node name (ordinal) so that equal vectors have one representation.
/// </summary>
public sealed class VersionVector : IEquatable<VersionVector>
{
    private readonly ImmutableArray<KeyValuePair<string, ulong>> _entries;

    private VersionVector(ImmutableArray<KeyValuePair<string, ulong>> entries) => _entries = entries;

    /// <summary>The vector of a file nobody has changed yet.</summary>
    public static VersionVector Empty { get; } = new([]);

    /// <summary>The (node, counter) pairs, sorted by node; counters are never zero.</summary>
    public IReadOnlyList<KeyValuePair<string, ulong>> Entries => _entries;

    public bool IsEmpty => _entries.IsEmpty;

    /// <summary>Builds a vector from pairs; zero counters are dropped, a node named twice keeps its highest counter.</summary>
    public static VersionVector From(IEnumerable<KeyValuePair<string, ulong>> pairs)
    {
        var map = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (node, counter) in pairs)
        {
            ArgumentException.ThrowIfNullOrEmpty(node);
            if (counter != 0 && (!map.TryGetValue(node, out var existing) || existing < counter))
            {
                map[node] = counter;
            }
        }

        return map.Count == 0 ? Empty : new VersionVector([.. map]);
    }

    /// <summary>The counter of <paramref name="node"/> (0 when absent).</summary>
    public ulong this[string node]
    {
        get
        {
            var i = IndexOf(node);
            return i >= 0 ? _entries[i].Value : 0;
        }
    }

    /// <summary>This vector with <paramref name="node"/>'s counter increased by one: a change made by that member.</summary>
    public VersionVector Increment(string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        var i = IndexOf(node);
        if (i >= 0)
        {
            return new VersionVector(_entries.SetItem(i, new(node, checked(_entries[i].Value + 1))));
        }

        return new VersionVector(_entries.Insert(~i, new(node, 1)));
    }

    /// <summary>The element-wise maximum: a history that includes both.</summary>
    public VersionVector Merge(VersionVector other) => From(_entries.Concat(other._entries));

    /// <summary>Compares the histories of this vector (left) and <paramref name="other"/> (right).</summary>
    public VersionOrder Compare(VersionVector other)
    {
        bool leftAhead = false, rightAhead = false;
        int i = 0, j = 0;
        while (i < _entries.Length || j < other._entries.Length)
        {
            var c = i >= _entries.Length ? 1 : j >= other._entries.Length ? -1 : string.CompareOrdinal(_entries[i].Key, other._entries[j].Key);
            if (c < 0)
            {
                leftAhead = true;
                i++;
            }
            else if (c > 0)
            {
                rightAhead = true;
                j++;
            }
            else
            {
                leftAhead |= _entries[i].Value > other._entries[j].Value;
                rightAhead |= _entries[i].Value < other._entries[j].Value;
                i++;
                j++;
            }
        }

        return (leftAhead, rightAhead) switch
        {
            (false, false) => VersionOrder.Equal,
            (true, false) => VersionOrder.Dominates,
            (false, true) => VersionOrder.DominatedBy,
            _ => VersionOrder.Concurrent,
        };
    }

    /// <summary>Parses the text form <c>node:counter,node:counter</c> (as printed by <see cref="ToString"/>).</summary>
    public static VersionVector Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "{}")
        {
            return Empty;
        }

        var pairs = new List<KeyValuePair<string, ulong>>();
        foreach (var part in text.Split(','))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0 || !ulong.TryParse(part.AsSpan(colon + 1), out var counter))
            {
                throw new FormatException($"invalid version vector entry '{part}' (expected node:counter)");
            }

            pairs.Add(new(part[..colon].Trim(), counter));
        }

        return From(pairs);
    }

    public bool Equals(VersionVector? other) => other is not null && Compare(other) == VersionOrder.Equal;

    public override bool Equals(object? obj) => obj is VersionVector v && Equals(v);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (node, counter) in _entries)
        {
            hash.Add(node, StringComparer.Ordinal);
            hash.Add(counter);
        }

        return hash.ToHashCode();
    }

    /// <summary><c>node:counter,...</c>, or <c>{}</c> when empty.</summary>
    public override string ToString()
    {
        if (_entries.IsEmpty)
        {
            return "{}";
        }

        var sb = new StringBuilder();
        foreach (var (node, counter) in _entries)
        {
            sb.Append(sb.Length == 0 ? "" : ",").Append(node).Append(':').Append(counter);
        }

        return sb.ToString();
    }

    private int IndexOf(string node)
    {
        int lo = 0, hi = _entries.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(_entries[mid].Key, node);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
