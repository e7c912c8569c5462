namespace KubeSync.Kubernetes.Rest;

/// <summary>Server-side apply parameters.</summary>
/// <param name="FieldManager">The manager that owns the applied fields (<c>kubesync-operator</c>).</param>
/// <param name="Force">Take fields that another manager owns instead of failing with a conflict.</param>
public sealed record ApplyOptions(string FieldManager, bool Force = false);
