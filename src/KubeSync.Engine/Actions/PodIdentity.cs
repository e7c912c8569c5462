using System.Collections;

namespace KubeSync.Engine.Actions;

/// <summary>The sidecar's own pod, from the downward API environment (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>) the operator sets.</summary>
public sealed record PodIdentity(string Name, string Namespace)
{
    /// <exception cref="InvalidOperationException">A variable is missing: podExec cannot know which pod to run in.</exception>
    public static PodIdentity FromEnvironment(IDictionary environment)
    {
        var name = environment["POD_NAME"] as string;
        var ns = environment["POD_NAMESPACE"] as string;
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(ns))
        {
            throw new InvalidOperationException(
                $"podExec actions need the pod's name and namespace: set {(string.IsNullOrEmpty(name) ? "POD_NAME" : "POD_NAMESPACE")} from the downward API (fieldRef metadata.name / metadata.namespace)");
        }

        return new PodIdentity(name, ns);
    }
}
