using System.Text.RegularExpressions;
using System.Xml.Linq;

using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.Images;

/// <summary>
/// The Dockerfiles, read as text (no Docker engine here; tests/e2e builds them for real): two stages, SDK then
/// ASP.NET Core runtime, a non-root user, the published program as the entrypoint, and every project the build
/// restores copied in before the restore.
/// </summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public void Sidecar_Dockerfile_BuildsTheKubesyncExecutable() => Check("docker/sidecar.Dockerfile", "src/KubeSync.Sidecar/KubeSync.Sidecar.csproj");

    [ProjectFact("src/KubeSync.Operator/KubeSync.Operator.csproj")]
    public void Operator_Dockerfile_BuildsTheOperatorExecutable() => Check("docker/operator.Dockerfile", "src/KubeSync.Operator/KubeSync.Operator.csproj");

    [Fact]
    public void Sidecar_Dockerfile_ShipsTheNativeExecutableAndSqliteOnRuntimeDeps()
    {
        var lines = Instructions(File.ReadAllText(RepositoryLayout.Combine("docker/sidecar.Dockerfile")));
        var project = XDocument.Load(RepositoryLayout.Combine("src/KubeSync.Sidecar/KubeSync.Sidecar.csproj"));

        // The project publishes with Native AOT; the link needs a C toolchain in the build stage.
        Assert.Equal("true", project.Descendants("PublishAot").Single().Value);
        Assert.Contains(lines, l => l.StartsWith("RUN apt-get update", StringComparison.Ordinal) && l.Contains(" clang ", StringComparison.Ordinal) && l.Contains("zlib1g-dev", StringComparison.Ordinal));
        // No .NET runtime in the final stage, and only what the executable loads: itself and SQLite's library.
        Assert.Contains(lines, l => l.StartsWith("FROM mcr.microsoft.com/dotnet/runtime-deps:", StringComparison.Ordinal));
        Assert.Contains("COPY --from=build /app/kubesync /app/libe_sqlite3.so /app/", lines);
    }

    [Fact]
    public void DockerIgnore_BuildOutputAndState_StayOutOfTheContext()
    {
        var ignored = File.ReadAllLines(RepositoryLayout.Combine(".dockerignore")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".git/", ignored);
        Assert.DoesNotContain("src/", ignored);
    }

    private static void Check(string dockerfile, string project)
    {
        var lines = Instructions(File.ReadAllText(RepositoryLayout.Combine(dockerfile)));
        var froms = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var final = lines.Skip(froms[^1].i).ToList();

        Assert.Equal(2, froms.Count);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/sdk:\S+ AS build$", froms[0].l);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/(aspnet|runtime-deps):\S+ AS runtime$", froms[1].l);

        // Non-root by number, so that the kubelet can verify runAsNonRoot without reading /etc/passwd.
        var user = Assert.Single(final, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.True(int.TryParse(user["USER ".Length..], out var uid) && uid > 0, user);

        var assemblyName = XDocument.Load(RepositoryLayout.Combine(project)).Descendants("AssemblyName").Single().Value;
        Assert.Contains($"ENTRYPOINT [\"/app/{assemblyName}\"]", final);
        Assert.Contains(lines, l => l.StartsWith($"RUN dotnet restore {project}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"RUN dotnet publish {project} --no-restore", StringComparison.Ordinal));

        var restoreAt = lines.FindIndex(l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var copied = lines.Take(restoreAt).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)).SelectMany(l => l.Split(' ').Skip(1)).ToHashSet(StringComparer.Ordinal);
        foreach (var needed in ProjectClosure(project))
        {
            Assert.True(copied.Contains(needed), $"{dockerfile}: {needed} is restored but not copied before `dotnet restore`");
        }

        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.Contains(file, copied);
        }
    }

    /// <summary>The project and every project it references, transitively, as repository paths.</summary>
    private static SortedSet<string> ProjectClosure(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(RepositoryLayout.Combine(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(RepositoryLayout.Root, directory, reference.Attribute("Include")!.Value));
                pending.Push(Path.GetRelativePath(RepositoryLayout.Root, full).Replace('\\', '/'));
            }
        }

        return seen;
    }

    /// <summary>The instructions, continuation lines joined, comments and blank lines dropped.</summary>
    private static List<string> Instructions(string text) =>
        [.. Continuation().Replace(text, " ").Split('\n').Select(l => Spaces().Replace(l.Trim(), " ")).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
