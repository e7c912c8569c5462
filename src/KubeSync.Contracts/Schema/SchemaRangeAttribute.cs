namespace KubeSync.Contracts.Schema;

/// <summary>The OpenAPI <c>minimum</c>/<c>maximum</c> of an integer property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaRangeAttribute(long minimum, long maximum) : Attribute
{
    public long Minimum { get; } = minimum;

    public long Maximum { get; } = maximum;
}
