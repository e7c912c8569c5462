namespace KubeSync.Operator.Reconciling;

/// <summary>The spec cannot be carried out as written: becomes the Degraded condition with <see cref="Reason"/> and the message.</summary>
public sealed class DegradedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
