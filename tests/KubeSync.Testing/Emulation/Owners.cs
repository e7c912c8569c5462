using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation;

/// <summary>Owner references as the controllers and the garbage collector use them.</summary>
internal static class Owners
{
    public static OwnerReference? Controller(KubeObject obj) => obj.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    public static bool IsControlledBy(KubeObject obj, KubeObject owner) =>
        Controller(obj) is { } reference && reference.Uid == owner.Metadata.Uid && owner.Metadata.Uid is not null;

    /// <summary>The controller reference a controller puts on what it creates.</summary>
    public static OwnerReference ControllerReference(KubeObject owner, ResourceKind kind) => new()
    {
        ApiVersion = kind.ApiVersion,
        Kind = kind.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };
}
