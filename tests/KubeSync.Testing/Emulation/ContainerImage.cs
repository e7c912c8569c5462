namespace KubeSync.Testing.Emulation;

/// <summary>
/// What an image would run, mapped onto this host: the image's <c>ENTRYPOINT</c> and <c>CMD</c>, its environment and
/// working directory, and which host programs stand in for the executables a pod spec may name in <c>command</c>.
/// </summary>
/// <param name="Name">A name for logs, e.g. <c>kubesync</c>.</param>
/// <param name="Entrypoint">The image's ENTRYPOINT (replaced by a container's <c>command</c>).</param>
/// <param name="Cmd">The image's CMD (replaced by <c>args</c>; dropped when <c>command</c> is set, as Kubernetes does).</param>
public sealed record ContainerImage(string Name, IReadOnlyList<string> Entrypoint, IReadOnlyList<string> Cmd)
{
    /// <summary>The image's own environment (<c>ENV</c>), under the container's <c>env</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Executables of the image by the name a pod spec uses (<c>kubesync</c>, <c>/usr/local/bin/kubesync</c>) and the
    /// host argv that replaces them. A name not listed runs as is (looked up on the host's PATH).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Executables { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The image's WORKDIR, used when the container sets no <c>workingDir</c>; null: <c>/</c>.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// The <c>kubesync</c> image: <c>ENTRYPOINT ["kubesync"]</c> backed by the built <c>kubesync.dll</c> next to the
    /// tests (<see cref="KubeSyncProcess.AssemblyPath"/>), run by the same <c>dotnet</c> host, or by the native
    /// executable of <see cref="KubeSyncProcess.NativeExecutable"/>.
    /// </summary>
    public static ContainerImage KubeSync()
    {
        var host = ResolveOnPath(KubeSyncProcess.DotnetHost);
        var kubesync = KubeSyncProcess.Command(host);
        return new ContainerImage("kubesync", kubesync, [])
        {
            Executables = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
            {
                ["kubesync"] = kubesync,
                ["/usr/local/bin/kubesync"] = kubesync,
                ["/kubesync"] = kubesync,
            },
            Environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_ROOT"] = Path.GetDirectoryName(host) ?? "/usr/share/dotnet",
            },
        };
    }

    /// <summary>The <c>nginx</c> image: <c>CMD ["nginx", "-g", "daemon off;"]</c> backed by the host's <c>/usr/sbin/nginx</c>.</summary>
    public static ContainerImage Nginx(string executable = "/usr/sbin/nginx") => new("nginx", [], [executable, "-g", "daemon off;"])
    {
        Executables = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["nginx"] = [executable],
            ["/usr/sbin/nginx"] = [executable],
        },
    };

    /// <summary>The image's default argv for a container with <paramref name="command"/> and <paramref name="args"/> (Docker and Kubernetes rules).</summary>
    public IReadOnlyList<string> Argv(IReadOnlyList<string>? command, IReadOnlyList<string>? args)
    {
        List<string> argv = command is { Count: > 0 }
            ? [.. command, .. args ?? []]
            : [.. Entrypoint, .. args is { Count: > 0 } ? args : Cmd];
        if (argv.Count == 0)
        {
            throw new InvalidOperationException($"image {Name}: no command, no args, no ENTRYPOINT and no CMD");
        }

        return Executables.TryGetValue(argv[0], out var host) ? [.. host, .. argv.Skip(1)] : argv;
    }

    private static string ResolveOnPath(string program)
    {
        if (Path.IsPathRooted(program))
        {
            return program;
        }

        var found = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
        return found is null ? program : Path.GetFullPath(found);
    }
}
