using System.Text;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>Builds API paths and query strings.</summary>
internal static class ResourcePaths
{
    /// <summary>
    /// <c>/api/v1/namespaces/{ns}/{plural}/{name}/{subresource}</c> or <c>/apis/{group}/{version}/...</c>;
    /// a null namespace on a namespaced kind means all namespaces (lists and watches).
    /// </summary>
    public static string For(ResourceKind kind, string? ns, string? name = null, string? subresource = null)
    {
        var path = new StringBuilder(kind.Group.Length == 0 ? "/api/" : $"/apis/{kind.Group}/");
        path.Append(kind.Version);
        if (kind.Namespaced && ns is not null)
        {
            path.Append("/namespaces/").Append(Uri.EscapeDataString(ns));
        }

        path.Append('/').Append(kind.Plural);
        if (name is not null)
        {
            path.Append('/').Append(Uri.EscapeDataString(name));
        }

        if (subresource is not null)
        {
            path.Append('/').Append(subresource);
        }

        return path.ToString();
    }

    /// <summary>Appends <c>?a=b&amp;c=d</c> for the parameters that have a value.</summary>
    public static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return path + query;
    }
}
