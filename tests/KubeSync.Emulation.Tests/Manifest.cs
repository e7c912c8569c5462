using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

using KubeSync.Kubernetes.Resources;
using KubeSync.Testing.FakeApi;

namespace KubeSync.Emulation.Tests;

/// <summary>Objects written as YAML, the way a test reads best.</summary>
internal static class Manifest
{
    public static T Parse<T>(string yaml, JsonTypeInfo<T> type) => FakeYaml.ParseObject(yaml).Deserialize(type)!;

    public static Deployment Deployment(string yaml) => Parse(yaml, KubeJsonContext.Default.Deployment);

    public static StatefulSet StatefulSet(string yaml) => Parse(yaml, KubeJsonContext.Default.StatefulSet);

    public static DaemonSet DaemonSet(string yaml) => Parse(yaml, KubeJsonContext.Default.DaemonSet);

    public static Service Service(string yaml) => Parse(yaml, KubeJsonContext.Default.Service);

    public static ConfigMap ConfigMap(string yaml) => Parse(yaml, KubeJsonContext.Default.ConfigMap);

    public static Pod Pod(string yaml) => Parse(yaml, KubeJsonContext.Default.Pod);
}
