using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary><c>actions[].http</c>: a request to the app; the body is JSON listing the changed paths.</summary>
public sealed class HttpAction
{
    /// <summary>Absolute http or https URL, typically on localhost (the app in the same pod).</summary>
    [SchemaPattern("^https?://")]
    public required string Url { get; set; }

    /// <summary>HTTP method.</summary>
    [SchemaEnum("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")]
    public string Method { get; set; } = "POST";
}
