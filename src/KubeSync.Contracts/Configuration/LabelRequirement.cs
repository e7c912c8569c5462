namespace KubeSync.Contracts.Configuration;

/// <summary>
/// <c>matchExpressions[]</c> of a role selector: <c>In</c> and <c>NotIn</c> compare the label's value with
/// <paramref name="Values"/>; <c>Exists</c> and <c>DoesNotExist</c> ask only whether the label is there (Kubernetes semantics).
/// </summary>
public sealed record LabelRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public const string In = "In";
    public const string NotIn = "NotIn";
    public const string Exists = "Exists";
    public const string DoesNotExist = "DoesNotExist";

    public static IReadOnlyList<string> Operators { get; } = [In, NotIn, Exists, DoesNotExist];

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            In => present && Values.Contains(value!),
            NotIn => !present || !Values.Contains(value!),
            Exists => present,
            DoesNotExist => !present,
            _ => throw new InvalidOperationException($"unknown operator {Operator}"),
        };
    }
}
