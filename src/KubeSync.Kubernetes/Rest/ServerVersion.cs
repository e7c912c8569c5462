using System.Globalization;
using System.Text.Json.Nodes;

namespace KubeSync.Kubernetes.Rest;

/// <summary>The API server's <c>/version</c>: its Kubernetes minor version decides which pod features may be used.</summary>
/// <param name="Major">The major version (1).</param>
/// <param name="Minor">The minor version; providers write it with a suffix (<c>"29+"</c>), which is dropped.</param>
/// <param name="GitVersion">The full version string, such as <c>v1.29.4-eks-1234</c>.</param>
public sealed record ServerVersion(int Major, int Minor, string GitVersion)
{
    /// <summary>Whether the server is at least <paramref name="major"/>.<paramref name="minor"/>.</summary>
    public bool AtLeast(int major, int minor) => Major > major || (Major == major && Minor >= minor);

    /// <summary>Reads a <c>/version</c> document; <see cref="FormatException"/> when it has no usable major/minor.</summary>
    public static ServerVersion Parse(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var gitVersion = document["gitVersion"]?.GetValue<string>() ?? "";
        return new ServerVersion(Number(document["major"]), Number(document["minor"]), gitVersion);

        static int Number(JsonNode? node)
        {
            var text = new string((node?.GetValue<string>() ?? "").TakeWhile(char.IsAsciiDigit).ToArray());
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException($"/version: \"{node}\" is not a version number");
        }
    }
}
