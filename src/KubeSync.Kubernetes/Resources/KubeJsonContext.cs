using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

/// <summary>Source-generated serialization for every type the client reads or writes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KubeObject))]
[JsonSerializable(typeof(KubeList<KubeObject>))]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(KubeList<Pod>))]
[JsonSerializable(typeof(ConfigMap))]
[JsonSerializable(typeof(KubeList<ConfigMap>))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(KubeList<Secret>))]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(KubeList<Service>))]
[JsonSerializable(typeof(ServiceAccount))]
[JsonSerializable(typeof(KubeList<ServiceAccount>))]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(KubeList<Deployment>))]
[JsonSerializable(typeof(StatefulSet))]
[JsonSerializable(typeof(KubeList<StatefulSet>))]
[JsonSerializable(typeof(DaemonSet))]
[JsonSerializable(typeof(KubeList<DaemonSet>))]
[JsonSerializable(typeof(Role))]
[JsonSerializable(typeof(KubeList<Role>))]
[JsonSerializable(typeof(RoleBinding))]
[JsonSerializable(typeof(KubeList<RoleBinding>))]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(KubeList<Lease>))]
[JsonSerializable(typeof(KubeEvent))]
[JsonSerializable(typeof(KubeList<KubeEvent>))]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(WatchEventEnvelope))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonArray))]
[JsonSerializable(typeof(JsonNode))]
public sealed partial class KubeJsonContext : JsonSerializerContext;
