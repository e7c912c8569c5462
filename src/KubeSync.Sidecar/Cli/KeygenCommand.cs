using System.CommandLine;

using KubeSync.Engine.Security;

namespace KubeSync.Sidecar.Cli;

/// <summary><c>kubesync keygen FILE</c>: csync2 <c>-k</c>.</summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("--force") { Description = "Replace an existing key file" };
        var file = new Argument<string>("FILE") { Description = "Where to write the key (mode 0600)" };
        var command = new Command("keygen", "Write a new random group key (csync2 -k); every member of the group needs the same file") { force, file };
        command.SetAction(parse => CliContext.Run(parse, ctx =>
        {
            var path = parse.GetValue(file)!;
            GroupKey.WriteNew(path, parse.GetValue(force));
            ctx.Out.WriteLine($"wrote a new group key to {path}; copy it to every member (keyFile in the config)");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
