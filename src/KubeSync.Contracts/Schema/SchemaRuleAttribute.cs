namespace KubeSync.Contracts.Schema;

/// <summary>
/// A CEL rule (<c>x-kubernetes-validations</c>) the CRD's schema puts on this object or list. The operator checks the
/// same rule by hand (<c>SyncGroupSpecValidator</c>) for API servers that do not evaluate it, with the same message.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class SchemaRuleAttribute(string rule, string message) : Attribute
{
    /// <summary>The CEL expression; <c>self</c> is the object or list it sits on.</summary>
    public string Rule { get; } = rule;

    /// <summary>What the API server answers when the rule fails: says what to fix.</summary>
    public string Message { get; } = message;
}
