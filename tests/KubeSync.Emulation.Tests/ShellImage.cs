using KubeSync.Testing.Emulation;

namespace KubeSync.Emulation.Tests;

/// <summary>An image <c>example/shell</c> whose containers run the host's <c>/bin/sh</c> (busybox-like, for scripts in a pod spec).</summary>
internal static class ShellImage
{
    public static ContainerImage Image { get; } = new("shell", [], ["/bin/sh"])
    {
        Executables = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["sh"] = ["/bin/sh"],
            ["/bin/sh"] = ["/bin/sh"],
        },
    };

    public static ImageTable Table() => new ImageTable().Add("shell", Image);
}
