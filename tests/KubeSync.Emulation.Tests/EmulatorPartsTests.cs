using KubeSync.Testing;
using KubeSync.Testing.Emulation;
using KubeSync.Testing.Emulation.Kubelet;

namespace KubeSync.Emulation.Tests;

/// <summary>The emulator's pure parts: <c>$(VAR)</c> expansion, image matching, the atomic writer.</summary>
public sealed class EmulatorPartsTests
{
    [Theory]
    [InlineData("$(A)-$(B)", "1-two")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("$(MISSING)", "$(MISSING)")]
    [InlineData("$A $", "$A $")]
    [InlineData("$(A", "$(A")]
    [InlineData("$$$(A)", "$1")]
    public void Expand_KubernetesRules(string input, string expected)
    {
        var vars = new Dictionary<string, string> { ["A"] = "1", ["B"] = "two" };
        Assert.Equal(expected, VariableExpansion.Expand(input, vars.GetValueOrDefault));
    }

    [Theory]
    [InlineData("ghcr.io/acme/kubesync:0.1.0", "kubesync")]
    [InlineData("kubesync", "kubesync")]
    [InlineData("registry:5000/kubesync@sha256:abcd", "kubesync")]
    [InlineData("docker.io/library/nginx:1.27", "nginx")]
    [InlineData("example/notkubesync:1", null)]
    [InlineData("example/other:1", null)]
    public void ImageTable_MatchesRepositorySuffixAtPathBoundary(string image, string? expected)
    {
        var table = new ImageTable().Add("kubesync", new ContainerImage("kubesync", ["k"], [])).Add("nginx", new ContainerImage("nginx", [], ["n"]));
        Assert.Equal(expected, table.Find(image)?.Name);
    }

    [Fact]
    public void Argv_CommandReplacesEntrypointAndDropsCmd_ArgsReplaceCmd()
    {
        var image = new ContainerImage("x", ["/entry"], ["default"]) { Executables = new Dictionary<string, IReadOnlyList<string>> { ["tool"] = ["/host/tool", "--flag"] } };
        Assert.Equal(["/entry", "default"], image.Argv(null, null));
        Assert.Equal(["/entry", "a"], image.Argv(null, ["a"]));
        Assert.Equal(["/host/tool", "--flag", "b"], image.Argv(["tool"], ["b"]));
        Assert.Equal(["/bin/true"], image.Argv(["/bin/true"], null));
    }

    [Fact]
    public void AtomicWriter_SwapsDataLinkAndVisibleLinks()
    {
        using var dir = new TempDirectory();
        var mode = (UnixFileMode)420;
        Assert.True(AtomicWriter.Write(dir.Path, new Dictionary<string, (byte[], UnixFileMode)> { ["a.conf"] = ("1"u8.ToArray(), mode), ["sub/b.conf"] = ("2"u8.ToArray(), mode) }));
        var first = new FileInfo(dir.Combine("..data")).LinkTarget;
        Assert.Equal("..data/a.conf", new FileInfo(dir.Combine("a.conf")).LinkTarget);
        Assert.Equal("..data/sub", new FileInfo(dir.Combine("sub")).LinkTarget);
        Assert.Equal("2", File.ReadAllText(dir.Combine("sub/b.conf")));

        Assert.False(AtomicWriter.Write(dir.Path, new Dictionary<string, (byte[], UnixFileMode)> { ["a.conf"] = ("1"u8.ToArray(), mode), ["sub/b.conf"] = ("2"u8.ToArray(), mode) }));
        Assert.True(AtomicWriter.Write(dir.Path, new Dictionary<string, (byte[], UnixFileMode)> { ["a.conf"] = ("3"u8.ToArray(), mode) }));
        Assert.NotEqual(first, new FileInfo(dir.Combine("..data")).LinkTarget);
        Assert.Equal("3", File.ReadAllText(dir.Combine("a.conf")));
        Assert.False(Path.Exists(dir.Combine("sub")) || new FileInfo(dir.Combine("sub")).LinkTarget is not null);
        Assert.Equal(["..data", "a.conf"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Where(n => !n!.StartsWith("..2", StringComparison.Ordinal)).Order());
        Assert.Single(Directory.EnumerateDirectories(dir.Path, "..2*"));
    }
}
