namespace KubeSync.Delivery.Tests.Support;

/// <summary>Where the delivered files live in the source tree (the tests read them in place, never copies).</summary>
internal static class RepositoryLayout
{
    /// <summary>The repository root: the nearest directory above the test assembly holding Operator.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary><c>charts/kubesync</c>.</summary>
    public static string Chart => Path.Combine(Root, "charts", "kubesync");

    /// <summary>Full path of <paramref name="relative"/> (forward slashes) under the root.</summary>
    public static string Combine(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Operator.sln above {AppContext.BaseDirectory}");
    }
}
