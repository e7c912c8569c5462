using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Config;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Operator.Members;
using KubeSync.Operator.Reconciling;
using KubeSync.Operator.Tests.Crd;
using KubeSync.Operator.Tests.Examples;
using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Operator.Tests;

/// <summary>A fake API server, a client for it, and a reconciler reading member status from <see cref="MemberStatusServer"/>.</summary>
internal sealed class OperatorCluster : IAsyncDisposable
{
    public const string Namespace = "default";

    private OperatorCluster(FakeKubeApiServer server, KubeApiClient client, MemberStatusServer members, ConflictInjector injector)
    {
        Server = server;
        Client = client;
        Members = members;
        Injector = injector;
        Reader = new HttpMemberStatusReader(new HttpClient(), (pod, _) => members.AddressOf(pod.Metadata.Name!));
        Reconciler = NewReconciler(client);
    }

    public FakeKubeApiServer Server { get; }

    public KubeApiClient Client { get; }

    public MemberStatusServer Members { get; }

    public ConflictInjector Injector { get; }

    public HttpMemberStatusReader Reader { get; }

    public SyncGroupReconciler Reconciler { get; }

    public ResourceClient<SyncGroup> Groups => Client.Resource(SyncGroupResources.SyncGroups);

    public static async Task<OperatorCluster> StartAsync()
    {
        var server = await FakeKubeApiServer.StartAsync().WithTimeout("fake API server start");
        var members = await MemberStatusServer.StartAsync().WithTimeout("member status server start");
        var injector = new ConflictInjector(KubeHttpHandlerFactory.Create(ConfigFor(server), TimeProvider.System));
        var client = new KubeApiClient(injector, server.BaseAddress, Namespace, TimeSpan.FromSeconds(10));
        return new OperatorCluster(server, client, members, injector);
    }

    public static KubeClientConfig ConfigFor(FakeKubeApiServer server) => new()
    {
        Server = server.BaseAddress,
        CertificateAuthority = [X509CertificateLoader.LoadCertificate(server.Authority.Certificate.RawData)],
        Token = server.Token,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    public SyncGroupReconciler NewReconciler(KubeApiClient client) => new(
        client, Reader, null, new ReconcilerOptions { SidecarImage = "kubesync:test" }, TimeProvider.System, NullLogger<SyncGroupReconciler>.Instance);

    /// <summary>Creates every document of an example file (workloads, then the SyncGroup) in <see cref="Namespace"/>.</summary>
    public async Task<SyncGroup> CreateExampleAsync(string file, Action<JsonObject>? editGroup = null)
    {
        SyncGroup? group = null;
        foreach (var document in YamlDocuments.LoadFile(RepositoryFiles.At(file)))
        {
            document["metadata"]!["namespace"] = Namespace;
            if (document["kind"]!.GetValue<string>() == "SyncGroup")
            {
                editGroup?.Invoke(document);
                group = await Groups.CreateAsync(document.Deserialize(SyncGroupJsonContext.Default.SyncGroup)!, CancellationToken.None).WithTimeout("create SyncGroup");
            }
            else
            {
                var kind = WorkloadKindOf(document["kind"]!.GetValue<string>());
                await Client.Resource(KubeResources.Generic(kind)).CreateAsync(document.Deserialize(KubeJsonContext.Default.KubeObject)!, "kubectl", CancellationToken.None)
                    .WithTimeout("create workload");
            }
        }

        return group!;
    }

    public Task<ReconcileResult> ReconcileAsync(string name) =>
        Reconciler.ReconcileAsync(Namespace, name, CancellationToken.None).WithTimeout($"reconcile {name}");

    public async Task<JsonObject> RawAsync(ResourceKind kind, string name) =>
        JsonSerializer.SerializeToNode(
            await Client.Resource(KubeResources.Generic(kind)).GetAsync(Namespace, name, CancellationToken.None).WithTimeout("get"),
            KubeJsonContext.Default.KubeObject)!.AsObject();

    /// <summary>A running member pod of <paramref name="group"/>, with an IP.</summary>
    public async Task AddPodAsync(string group, string name)
    {
        var pods = Client.Resource(KubeResources.Pods);
        var pod = await pods.CreateAsync(
            new Pod
            {
                Metadata = new ObjectMeta { Name = name, Namespace = Namespace, Labels = new() { [SyncGroupLabels.Group] = group } },
                Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "app:1" }] },
            },
            CancellationToken.None).WithTimeout("create pod");
        pod.Status = new JsonObject { ["phase"] = "Running", ["podIP"] = "10.0.0.9" };
        await pods.ReplaceStatusAsync(pod, CancellationToken.None).WithTimeout("pod status");
    }

    public static ResourceKind WorkloadKindOf(string kind) => kind switch
    {
        "Deployment" => ResourceKind.Deployments,
        "StatefulSet" => ResourceKind.StatefulSets,
        "DaemonSet" => ResourceKind.DaemonSets,
        _ => throw new ArgumentException($"no workload kind {kind}", nameof(kind)),
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Members.DisposeAsync();
        await Server.DisposeAsync();
    }
}
