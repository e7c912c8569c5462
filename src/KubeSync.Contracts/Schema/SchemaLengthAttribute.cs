namespace KubeSync.Contracts.Schema;

/// <summary>
/// Bounds in the OpenAPI schema: <c>minLength</c>/<c>maxLength</c> on a string, <c>minItems</c>/<c>maxItems</c> on a
/// list, <c>minProperties</c>/<c>maxProperties</c> on a map (-1 leaves a bound out). CEL needs upper bounds to
/// estimate a rule's cost.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaLengthAttribute(int minimum, int maximum) : Attribute
{
    public int Minimum { get; } = minimum;

    public int Maximum { get; } = maximum;
}
