using System.CommandLine;
using System.Net;

using KubeSync.Engine.Security;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// <c>kubesync cert DIR --group G --node N...</c>: a group CA (reused when DIR already has one) and a certificate per
/// member, for running a group by hand. In Kubernetes the operator does this.
/// </summary>
internal static class CertCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Directory for ca.crt/ca.key and NODE/tls.crt, NODE/tls.key" };
        var group = new Option<string>("--group") { Description = "Group name (in the CA's subject)", Required = true };
        var nodes = new Option<string[]>("--node") { Description = "Member to issue a certificate for (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var dns = new Option<string[]>("--dns") { Description = "Extra DNS names for every member certificate", AllowMultipleArgumentsPerToken = true };
        var ips = new Option<string[]>("--ip") { Description = "Extra IP addresses for every member certificate", AllowMultipleArgumentsPerToken = true };
        var days = new Option<int>("--days") { Description = "Validity of member certificates", DefaultValueFactory = _ => 365 };
        var command = new Command("cert", "Write a group CA and member certificates for mutual TLS (local use; the operator does this in Kubernetes)")
        {
            dir, group, nodes, dns, ips, days,
        };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, async ctx =>
        {
            var root = parse.GetValue(dir)!;
            var addresses = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
            foreach (var text in parse.GetValue(ips) ?? [])
            {
                addresses.Add(IPAddress.TryParse(text, out var ip) ? ip : throw new CliUsageException($"--ip {text}: not an IP address"));
            }

            Directory.CreateDirectory(root);
            var caCert = Path.Combine(root, "ca.crt");
            var caKey = Path.Combine(root, "ca.key");
            var reused = File.Exists(caCert) && File.Exists(caKey);
            using var ca = reused
                ? await CertificateAuthority.LoadAsync(caCert, caKey, cancellationToken)
                : CertificateAuthority.Create(parse.GetValue(group)!, TimeProvider.System, TimeSpan.FromDays(3650));
            if (!reused)
            {
                await ca.WriteAsync(caCert, caKey, cancellationToken);
            }

            ctx.Out.WriteLine($"{(reused ? "reused" : "wrote")} the group CA {caCert}");
            foreach (var node in parse.GetValue(nodes)!)
            {
                var names = new List<string> { node, "localhost" };
                names.AddRange(parse.GetValue(dns) ?? []);
                using var member = ca.Issue(node, TimeProvider.System, TimeSpan.FromDays(parse.GetValue(days)), names, addresses);
                var nodeDir = Directory.CreateDirectory(Path.Combine(root, node)).FullName;
                await CertificateFiles.WriteAsync(member, Path.Combine(nodeDir, "tls.crt"), Path.Combine(nodeDir, "tls.key"), cancellationToken);
                ctx.Out.WriteLine($"wrote {Path.Combine(nodeDir, "tls.crt")} and tls.key for member {node}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
