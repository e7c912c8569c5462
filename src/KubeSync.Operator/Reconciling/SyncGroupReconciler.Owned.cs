using System.Security.Cryptography;
using System.Text;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Events;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Operator.Credentials;
using KubeSync.Operator.Rendering;
using KubeSync.Operator.Workloads;

namespace KubeSync.Operator.Reconciling;

public sealed partial class SyncGroupReconciler
{
    private static readonly ApplyOptions OwnedApply = new(WorkloadClient.FieldManager, Force: true);

    /// <summary>Creates or updates the Secret, the ConfigMap, the peer Service and (for podExec) the RBAC objects.</summary>
    private async Task<OwnedObjects> ApplyOwnedAsync(SyncGroup group, IReadOnlyList<Workload> workloads, CancellationToken cancellationToken)
    {
        var ns = group.Metadata.Namespace!;
        var name = group.Metadata.Name!;
        var secrets = _api.Resource(KubeResources.Secrets);
        var existing = await secrets.FindAsync(ns, ObjectNames.Secret(name), cancellationToken).ConfigureAwait(false);
        var plan = GroupCredentials.Plan(name, existing?.Data, _time.GetUtcNow(), _options.Credentials);
        if (plan.Change != CredentialChange.Unchanged || existing is null || !OwnedBy(existing, group))
        {
            await secrets.ApplyAsync(OwnedObjectsRenderer.Secret(group, plan.Data), OwnedApply, cancellationToken).ConfigureAwait(false);
        }

        if (plan.Change != CredentialChange.Unchanged)
        {
            OperatorLog.Credentials(_logger, ns, name, plan.Change.ToString());
            await RecordAsync(group, EventKind.Normal, plan.Change.ToString(), "Credentials", CredentialNote(plan), cancellationToken).ConfigureAwait(false);
        }

        var config = SidecarConfigRenderer.Render(group, _options.ClusterDomain);
        await _api.Resource(KubeResources.ConfigMaps).ApplyAsync(OwnedObjectsRenderer.ConfigMap(group, config), OwnedApply, cancellationToken).ConfigureAwait(false);
        await _api.Resource(KubeResources.Services).ApplyAsync(OwnedObjectsRenderer.PeerService(group), OwnedApply, cancellationToken).ConfigureAwait(false);
        var account = await ApplyRbacAsync(group, workloads, cancellationToken).ConfigureAwait(false);
        return new OwnedObjects(ConfigHash(config, plan.Data), account, plan.CertificateNotAfter);
    }

    /// <summary>
    /// Only with a podExec action: a ServiceAccount, a Role allowing get and create on pods/exec, and a RoleBinding to
    /// the accounts the pods run as (ours where the pod template names none). Without one, those objects go.
    /// </summary>
    private async Task<string?> ApplyRbacAsync(SyncGroup group, IReadOnlyList<Workload> workloads, CancellationToken cancellationToken)
    {
        var ns = group.Metadata.Namespace!;
        var rbacName = ObjectNames.Rbac(group.Metadata.Name!);
        if (!group.Spec!.Actions.Any(a => a.PodExec is not null))
        {
            await _api.Resource(KubeResources.RoleBindings).DeleteAsync(ns, rbacName, cancellationToken).ConfigureAwait(false);
            await _api.Resource(KubeResources.Roles).DeleteAsync(ns, rbacName, cancellationToken).ConfigureAwait(false);
            await _api.Resource(KubeResources.ServiceAccounts).DeleteAsync(ns, rbacName, cancellationToken).ConfigureAwait(false);
            return null;
        }

        await _api.Resource(KubeResources.ServiceAccounts).ApplyAsync(OwnedObjectsRenderer.ServiceAccount(group), OwnedApply, cancellationToken).ConfigureAwait(false);
        await _api.Resource(KubeResources.Roles).ApplyAsync(OwnedObjectsRenderer.PodExecRole(group), OwnedApply, cancellationToken).ConfigureAwait(false);
        var accounts = workloads.Select(w => w.ServiceAccountName is { } own && own != rbacName ? own : rbacName);
        await _api.Resource(KubeResources.RoleBindings).ApplyAsync(OwnedObjectsRenderer.PodExecRoleBinding(group, accounts), OwnedApply, cancellationToken).ConfigureAwait(false);
        return rbacName;
    }

    private async Task ApplySidecarAsync(SyncGroup group, Workload workload, bool native, OwnedObjects owned, CancellationToken cancellationToken)
    {
        // The pods keep their own service account if the template names one (the RoleBinding covers it).
        var account = owned.ServiceAccountName is { } ours && (workload.ServiceAccountName is null || workload.ServiceAccountName == ours) ? ours : null;
        var settings = new SidecarSettings(_options.SidecarImage, native, owned.ConfigHash, account, workload.PodRunAsUser);
        var body = PodTemplateRenderer.Render(group, workload.Kind, workload.Name, settings);
        try
        {
            await _workloads.ApplyAsync(workload.Kind, body, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeConflictException conflict)
        {
            // Server-side apply without force: another field manager owns a field we would set, with another value.
            throw new DegradedException(
                "FieldConflict",
                $"{workload.Display}: {conflict.Status?.Message ?? conflict.Message}; remove those fields from the other manager's configuration");
        }

        OperatorLog.Applied(_logger, group.Metadata.Namespace!, group.Metadata.Name!, workload.Display);
    }

    private static bool OwnedBy(KubeObject obj, SyncGroup group) =>
        obj.Metadata.OwnerReferences?.Any(o => o.Uid == group.Metadata.Uid) == true;

    private static string ConfigHash(string config, IReadOnlyDictionary<string, byte[]> credentials)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(config));
        foreach (var key in CredentialKeys.Mounted)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            hash.AppendData(credentials.GetValueOrDefault(key) ?? []);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static string CredentialNote(CredentialPlan plan) => plan.Change switch
    {
        CredentialChange.Created => $"made the group CA, member certificate (valid until {plan.CertificateNotAfter:u}) and group key",
        CredentialChange.CertificateRenewed => $"new member certificate from the same CA, valid until {plan.CertificateNotAfter:u}; members restart one by one to load it",
        CredentialChange.CaRotationStarted => "made a successor CA and trust it next to the current one; it signs once every member trusts it",
        CredentialChange.CaRotated => "the successor CA now signs the member certificate; the previous CA stays trusted until it expires",
        CredentialChange.ExpiredCaDropped => "an expired CA left the trust bundle",
        _ => "",
    };
}
