using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Controllers;

/// <summary>Pods from templates, as the workload controllers make them: names, hashes, labels, owner references.</summary>
internal static class PodTemplates
{
    /// <summary>Kubernetes' alphabet for generated names (apimachinery util/rand): no vowels, no look-alikes.</summary>
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The 5 random characters a ReplicaSet or DaemonSet pod name ends with.</summary>
    public static string RandomSuffix()
    {
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>
    /// The <c>pod-template-hash</c> / <c>controller-revision-hash</c> of a template: FNV-1a (32 bit) of the template's
    /// JSON, its decimal digits written in the safe alphabet, as Kubernetes names ReplicaSets. The same template always
    /// gives the same hash (the exact value differs from a real cluster's, which hashes Go's object dump).
    /// </summary>
    public static string Hash(PodTemplateSpec? template)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(template ?? new PodTemplateSpec(), KubeJsonContext.Default.PodTemplateSpec);
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return string.Concat(hash.ToString(CultureInfo.InvariantCulture).Select(c => Alphabet[c % Alphabet.Length]));
    }

    /// <summary>A deep copy of <paramref name="template"/> with <paramref name="labels"/> added to its labels.</summary>
    public static PodTemplateSpec WithLabels(PodTemplateSpec? template, IReadOnlyDictionary<string, string> labels)
    {
        var copy = Copy(template);
        copy.Metadata ??= new ObjectMeta();
        copy.Metadata.Labels = new Dictionary<string, string>(copy.Metadata.Labels ?? [], StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            copy.Metadata.Labels[key] = value;
        }

        return copy;
    }

    public static PodTemplateSpec Copy(PodTemplateSpec? template) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(template ?? new PodTemplateSpec(), KubeJsonContext.Default.PodTemplateSpec), KubeJsonContext.Default.PodTemplateSpec)!;

    /// <summary>A pod named <paramref name="name"/> from <paramref name="template"/>, controlled by <paramref name="owner"/>.</summary>
    /// <param name="specChanges">Changes to the pod spec (as JSON) before it is created: hostname, node, volumes.</param>
    public static Pod NewPod(PodTemplateSpec template, string ns, string name, OwnerReference owner, Action<JsonObject>? specChanges = null)
    {
        var spec = JsonSerializer.SerializeToNode(template.Spec ?? new PodSpec(), KubeJsonContext.Default.PodSpec)!.AsObject();
        specChanges?.Invoke(spec);
        return new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = ns,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : null,
                Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations, StringComparer.Ordinal) : null,
                OwnerReferences = [owner],
            },
            Spec = spec.Deserialize(KubeJsonContext.Default.PodSpec),
        };
    }

    /// <summary><c>maxSurge</c> / <c>maxUnavailable</c>: a number, or a percentage of <paramref name="total"/> rounded up or down.</summary>
    public static int IntOrPercent(JsonElement? value, int total, int fallbackPercent, bool roundUp)
    {
        if (value is { ValueKind: JsonValueKind.Number } number)
        {
            return number.GetInt32();
        }

        var percent = value is { ValueKind: JsonValueKind.String } text && text.GetString()!.EndsWith('%')
            ? int.Parse(text.GetString()!.TrimEnd('%'), CultureInfo.InvariantCulture)
            : fallbackPercent;
        var exact = total * percent / 100.0;
        return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
    }

    /// <summary>A field of a spec's <c>AdditionalProperties</c> by JSON path segments, e.g. <c>strategy</c>, <c>rollingUpdate</c>, <c>maxSurge</c>.</summary>
    public static JsonElement? Extra(Dictionary<string, JsonElement>? properties, params string[] path)
    {
        if (properties is null || path.Length == 0 || !properties.TryGetValue(path[0], out var element))
        {
            return null;
        }

        foreach (var segment in path.Skip(1))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element))
            {
                return null;
            }
        }

        return element;
    }
}
