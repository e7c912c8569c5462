using YamlDotNet.RepresentationModel;

namespace KubeSync.Kubernetes.Config;

/// <summary>
/// Reads the parts of a kubeconfig this client uses from YAML's node tree, by hand rather than by reflection, so
/// that the natively compiled sidecar reads it as the operator does. Unknown keys are ignored, as kubectl does;
/// a known key of the wrong shape is an error that names it.
/// </summary>
internal static class KubeConfigYaml
{
    public static KubeConfigDocument Parse(string text, string path)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(text))
        {
            stream.Load(reader);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new KubeConfigDocument();
        }

        var root = Mapping(stream.Documents[0].RootNode, path, "the document");
        return new KubeConfigDocument
        {
            CurrentContext = Scalar(root, "current-context", path, "the document"),
            Clusters = Named(root, "clusters", path, "cluster", (node, where) => new KubeConfigCluster
            {
                Server = Scalar(node, "server", path, where),
                CertificateAuthority = Scalar(node, "certificate-authority", path, where),
                CertificateAuthorityData = Scalar(node, "certificate-authority-data", path, where),
                InsecureSkipTlsVerify = Flag(node, "insecure-skip-tls-verify", path, where),
                TlsServerName = Scalar(node, "tls-server-name", path, where),
            }, (name, cluster) => new KubeConfigNamedCluster { Name = name, Cluster = cluster }),
            Users = Named(root, "users", path, "user", (node, where) => new KubeConfigUser
            {
                ClientCertificate = Scalar(node, "client-certificate", path, where),
                ClientCertificateData = Scalar(node, "client-certificate-data", path, where),
                ClientKey = Scalar(node, "client-key", path, where),
                ClientKeyData = Scalar(node, "client-key-data", path, where),
                Token = Scalar(node, "token", path, where),
                TokenFile = Scalar(node, "tokenFile", path, where),
                UsesExec = Child(node, "exec") is { } exec && !IsNull(exec),
            }, (name, user) => new KubeConfigNamedUser { Name = name, User = user }),
            Contexts = Named(root, "contexts", path, "context", (node, where) => new KubeConfigContext
            {
                Cluster = Scalar(node, "cluster", path, where),
                User = Scalar(node, "user", path, where),
                Namespace = Scalar(node, "namespace", path, where),
            }, (name, context) => new KubeConfigNamedContext { Name = name, Context = context }),
        };
    }

    /// <summary>A list such as <c>clusters</c>: entries of <c>name</c> and a mapping under <paramref name="inner"/>.</summary>
    private static List<TNamed>? Named<TInner, TNamed>(
        YamlMappingNode root, string key, string path, string inner, Func<YamlMappingNode, string, TInner> read, Func<string?, TInner?, TNamed> make)
        where TInner : class
    {
        var node = Child(root, key);
        if (node is null || IsNull(node))
        {
            return null;
        }

        if (node is not YamlSequenceNode sequence)
        {
            throw Error(path, $"'{key}' must be a list");
        }

        var list = new List<TNamed>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var where = $"{key}[{i}]";
            var entry = Mapping(sequence.Children[i], path, where);
            var name = Scalar(entry, "name", path, where);
            var body = Child(entry, inner);
            list.Add(make(name, body is null || IsNull(body) ? null : read(Mapping(body, path, $"{where}.{inner}"), $"{where}.{inner}")));
        }

        return list;
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static YamlMappingNode Mapping(YamlNode node, string path, string where) =>
        node as YamlMappingNode ?? throw Error(path, $"{where} must be a mapping");

    private static string? Scalar(YamlMappingNode mapping, string key, string path, string where) => Child(mapping, key) switch
    {
        null => null,
        YamlScalarNode scalar when IsNull(scalar) => null,
        YamlScalarNode scalar => scalar.Value,
        _ => throw Error(path, $"{where}.{key} must be a string"),
    };

    private static bool Flag(YamlMappingNode mapping, string key, string path, string where) => Scalar(mapping, key, path, where) switch
    {
        null => false,
        var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var v => throw Error(path, $"{where}.{key} must be true or false, not '{v}'"),
    };

    /// <summary>An empty or <c>null</c>/<c>~</c> plain scalar: YAML's null.</summary>
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } s
        && (string.IsNullOrEmpty(s.Value) || s.Value is "~" or "null" or "Null" or "NULL");

    private static KubeConfigException Error(string path, string what) => new($"kubeconfig: {path}: {what}");
}
