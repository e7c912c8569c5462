using System.CommandLine;

namespace KubeSync.Sidecar.Cli;

/// <summary>The <c>kubesync</c> command line: verbs mirror csync2's flags.</summary>
internal static class KubeSyncCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("kubesync keeps a directory identical across the members of a group (csync2 reborn for Kubernetes).")
        {
            CliContext.ConfigOption,
            CliContext.GroupOption,
            CliContext.VerboseOption,
            RunCommand.Create(),
            CheckCommand.Create(),
            SyncCommand.Create(),
            FilesCommand.Create(),
            DirtyCommand.Create(),
            ConflictsCommand.Create(),
            CompareCommand.Create(),
            DiffCommand.Create(),
            StatusCommand.Create(),
            ForceCommand.Create(),
            KeygenCommand.Create(),
            CertCommand.Create(),
            DemoCommand.Create(),
        };
        return root;
    }
}
