namespace KubeSync.Operator.Rendering;

/// <summary>What decides the shape of the sidecar beyond the SyncGroup's spec.</summary>
/// <param name="DefaultImage">The sidecar image when the spec names none.</param>
/// <param name="Native">Native sidecar (init container, restartPolicy Always) or a plain container.</param>
/// <param name="ConfigHash">Hash of the rendered config and the credentials; pods restart when it changes.</param>
/// <param name="ServiceAccountName">The service account to set on the pod (podExec actions), or null to leave it alone.</param>
/// <param name="PodRunAsUser">The pod template's own <c>securityContext.runAsUser</c>, which the sidecar inherits unless its spec sets one.</param>
public sealed record SidecarSettings(string DefaultImage, bool Native, string ConfigHash, string? ServiceAccountName = null, long? PodRunAsUser = null);
