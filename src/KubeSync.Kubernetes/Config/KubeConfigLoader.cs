using System.Security.Cryptography.X509Certificates;

using YamlDotNet.Core;

namespace KubeSync.Kubernetes.Config;

/// <summary>
/// Reads kubeconfig files the way kubectl does: the files of <c>$KUBECONFIG</c> (colon-separated) merged
/// with the first file to name a cluster, user or context winning, else <c>~/.kube/config</c>.
/// </summary>
public static class KubeConfigLoader
{
    /// <summary>The files to read: the existing entries of <paramref name="kubeconfigVariable"/>, or the home default.</summary>
    public static IReadOnlyList<string> DefaultPaths(string? kubeconfigVariable, string homeDirectory)
    {
        if (!string.IsNullOrWhiteSpace(kubeconfigVariable))
        {
            return kubeconfigVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return [Path.Combine(homeDirectory, ".kube", "config")];
    }

    /// <summary>Loads from <c>$KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public static KubeClientConfig LoadDefault(string? context = null) =>
        Load(
            DefaultPaths(Environment.GetEnvironmentVariable("KUBECONFIG"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)),
            context);

    /// <summary>Merges <paramref name="paths"/> (missing files are skipped) and resolves <paramref name="context"/> or the current context.</summary>
    public static KubeClientConfig Load(IReadOnlyList<string> paths, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var merged = Merge(paths);
        var contextName = context ?? merged.CurrentContext;
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubeConfigException($"kubeconfig: no context given and no current-context set (files: {string.Join(", ", paths)})");
        }

        var ctx = merged.Contexts!.FirstOrDefault(c => c.Name == contextName)?.Context
            ?? throw new KubeConfigException($"kubeconfig: context '{contextName}' not found (files: {string.Join(", ", paths)})");
        var cluster = merged.Clusters!.FirstOrDefault(c => c.Name == ctx.Cluster)?.Cluster
            ?? throw new KubeConfigException($"kubeconfig: cluster '{ctx.Cluster}' of context '{contextName}' not found");
        if (string.IsNullOrEmpty(cluster.Server))
        {
            throw new KubeConfigException($"kubeconfig: cluster '{ctx.Cluster}' has no server");
        }

        KubeConfigUser? user = null;
        if (!string.IsNullOrEmpty(ctx.User))
        {
            user = merged.Users!.FirstOrDefault(u => u.Name == ctx.User)?.User
                ?? throw new KubeConfigException($"kubeconfig: user '{ctx.User}' of context '{contextName}' not found");
            if (user.UsesExec)
            {
                throw new KubeConfigException($"kubeconfig: user '{ctx.User}' uses an exec credential plugin, which this client does not run");
            }
        }

        return new KubeClientConfig
        {
            Server = new Uri(cluster.Server),
            CertificateAuthority = LoadAuthority(cluster, ctx.Cluster!),
            ClientCertificate = user is null ? null : LoadClientCertificate(user, ctx.User!),
            Token = string.IsNullOrEmpty(user?.Token) ? null : user.Token,
            TokenFile = string.IsNullOrEmpty(user?.TokenFile) ? null : Resolve(user.BaseDirectory, user.TokenFile),
            InsecureSkipTlsVerify = cluster.InsecureSkipTlsVerify,
            TlsServerName = string.IsNullOrEmpty(cluster.TlsServerName) ? null : cluster.TlsServerName,
            Namespace = string.IsNullOrEmpty(ctx.Namespace) ? "default" : ctx.Namespace,
        };
    }

    private static KubeConfigDocument Merge(IReadOnlyList<string> paths)
    {
        var merged = new KubeConfigDocument { Clusters = [], Users = [], Contexts = [] };
        var found = false;
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                continue;
            }

            found = true;
            var doc = Parse(path);
            var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "";
            merged.CurrentContext = string.IsNullOrEmpty(merged.CurrentContext) ? doc.CurrentContext : merged.CurrentContext;
            foreach (var c in doc.Clusters ?? [])
            {
                c.Cluster?.BaseDirectory = dir;
                AddFirstWins(merged.Clusters!, c, c.Name);
            }

            foreach (var u in doc.Users ?? [])
            {
                u.User?.BaseDirectory = dir;
                AddFirstWins(merged.Users!, u, u.Name);
            }

            foreach (var c in doc.Contexts ?? [])
            {
                AddFirstWins(merged.Contexts!, c, c.Name);
            }
        }

        return found ? merged : throw new KubeConfigException($"kubeconfig: none of these files exists: {string.Join(", ", paths)}");
    }

    private static void AddFirstWins<T>(List<T> into, T item, string? name)
        where T : class
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        if (!into.Exists(existing => NameOf(existing) == name))
        {
            into.Add(item);
        }
    }

    private static string? NameOf(object entry) => entry switch
    {
        KubeConfigNamedCluster c => c.Name,
        KubeConfigNamedUser u => u.Name,
        KubeConfigNamedContext c => c.Name,
        _ => null,
    };

    private static KubeConfigDocument Parse(string path)
    {
        try
        {
            return KubeConfigYaml.Parse(File.ReadAllText(path), path);
        }
        catch (YamlException e)
        {
            throw new KubeConfigException($"kubeconfig: {path} is not valid YAML: {e.Message}", e);
        }
    }

    private static X509Certificate2Collection? LoadAuthority(KubeConfigCluster cluster, string name)
    {
        string? pem = null;
        if (!string.IsNullOrEmpty(cluster.CertificateAuthorityData))
        {
            pem = DecodeBase64(cluster.CertificateAuthorityData, $"certificate-authority-data of cluster '{name}'");
        }
        else if (!string.IsNullOrEmpty(cluster.CertificateAuthority))
        {
            pem = ReadFile(Resolve(cluster.BaseDirectory, cluster.CertificateAuthority), $"certificate-authority of cluster '{name}'");
        }

        if (pem is null)
        {
            return null;
        }

        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection.Count > 0 ? collection : throw new KubeConfigException($"kubeconfig: cluster '{name}' has a certificate authority with no certificate in it");
    }

    private static X509Certificate2? LoadClientCertificate(KubeConfigUser user, string name)
    {
        var cert = !string.IsNullOrEmpty(user.ClientCertificateData)
            ? DecodeBase64(user.ClientCertificateData, $"client-certificate-data of user '{name}'")
            : string.IsNullOrEmpty(user.ClientCertificate) ? null : ReadFile(Resolve(user.BaseDirectory, user.ClientCertificate), $"client-certificate of user '{name}'");
        var key = !string.IsNullOrEmpty(user.ClientKeyData)
            ? DecodeBase64(user.ClientKeyData, $"client-key-data of user '{name}'")
            : string.IsNullOrEmpty(user.ClientKey) ? null : ReadFile(Resolve(user.BaseDirectory, user.ClientKey), $"client-key of user '{name}'");
        if (cert is null && key is null)
        {
            return null;
        }

        if (cert is null || key is null)
        {
            throw new KubeConfigException($"kubeconfig: user '{name}' has a client {(cert is null ? "key" : "certificate")} without the matching {(cert is null ? "certificate" : "key")}");
        }

        return X509Certificate2.CreateFromPem(cert, key);
    }

    private static string Resolve(string baseDirectory, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));

    private static string DecodeBase64(string data, string what)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }
        catch (FormatException e)
        {
            throw new KubeConfigException($"kubeconfig: {what} is not base64", e);
        }
    }

    private static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new KubeConfigException($"kubeconfig: cannot read {what} from {path}: {e.Message}", e);
        }
    }
}
