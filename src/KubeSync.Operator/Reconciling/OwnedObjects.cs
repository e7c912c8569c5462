namespace KubeSync.Operator.Reconciling;

/// <summary>What applying a group's owned objects decided for its pod templates.</summary>
/// <param name="ConfigHash">Hash of the rendered config and the mounted credentials.</param>
/// <param name="ServiceAccountName">The service account podExec actions run as, when the operator made one.</param>
/// <param name="CertificateNotAfter">When the member certificate expires.</param>
public sealed record OwnedObjects(string ConfigHash, string? ServiceAccountName, DateTimeOffset CertificateNotAfter);
