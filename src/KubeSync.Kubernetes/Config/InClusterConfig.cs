using System.Security.Cryptography.X509Certificates;

namespace KubeSync.Kubernetes.Config;

/// <summary>The configuration a pod gets: service host and port from the environment, CA, namespace and token from the service account files.</summary>
public static class InClusterConfig
{
    /// <summary>Where Kubernetes mounts the service account (a Kubernetes convention, not a path of this machine).</summary>
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>True when the process runs in a pod with a service account.</summary>
    public static bool IsAvailable(Func<string, string?>? environment = null, string serviceAccountDirectory = DefaultServiceAccountDirectory)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST"))
            && File.Exists(Path.Combine(serviceAccountDirectory, "token"));
    }

    /// <summary>Builds the configuration; the token file is re-read by the client, not here.</summary>
    public static KubeClientConfig Load(Func<string, string?>? environment = null, string serviceAccountDirectory = DefaultServiceAccountDirectory)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var host = environment("KUBERNETES_SERVICE_HOST");
        var port = environment("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set (is this process running in a pod?)");
        }

        var tokenFile = Path.Combine(serviceAccountDirectory, "token");
        if (!File.Exists(tokenFile))
        {
            throw new KubeConfigException($"in-cluster: no service account token at {tokenFile} (automountServiceAccountToken off?)");
        }

        var caFile = Path.Combine(serviceAccountDirectory, "ca.crt");
        if (!File.Exists(caFile))
        {
            throw new KubeConfigException($"in-cluster: no cluster CA at {caFile}");
        }

        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(caFile);
        var namespaceFile = Path.Combine(serviceAccountDirectory, "namespace");
        var ns = File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : "";
        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new KubeClientConfig
        {
            Server = new Uri($"https://{hostPart}:{port}"),
            CertificateAuthority = ca,
            TokenFile = tokenFile,
            Namespace = ns.Length == 0 ? "default" : ns,
        };
    }

    /// <summary>In-cluster when available, else the default kubeconfig.</summary>
    public static KubeClientConfig LoadOrKubeConfig() => IsAvailable() ? Load() : KubeConfigLoader.LoadDefault();
}
