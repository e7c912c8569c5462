using System.Collections;

using KubeSync.Engine.Configuration;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Peers;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;
using KubeSync.Testing;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// The daemon in process, so the counters behind <c>kubesync_protocol_errors_total</c> can be read: refusals before a
/// session count on the host, closures inside a session on the group, once each, under the reason's label.
/// </summary>
public sealed class HostileDaemonCountersTests : IDisposable
{
    private readonly TempDirectory _dir = new("kubesync-hostile-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SyncDaemon_HostileClients_CountedByLabelOnHostAndGroup()
    {
        Directory.CreateDirectory(_dir.Combine("root"));
        Directory.CreateDirectory(_dir.Combine("outside"));
        File.CreateSymbolicLink(_dir.Combine("root/out"), _dir.Combine("outside"));
        GroupKey.WriteNew(_dir.Combine("group.key"), overwrite: false);
        var key = GroupKey.Read(_dir.Combine("group.key"));
        File.WriteAllText(_dir.Combine("kubesync.yaml"), """
            node: web-0
            listen: 127.0.0.1:0
            insecure: true
            keyFile: group.key
            groups:
              - {name: web, root: root}

            """);
        var config = ConfigLoader.LoadFile(_dir.Combine("kubesync.yaml"), new Hashtable());
        var tuning = new SyncTuning { PullInterval = config.Timing.Pull, HandshakeTimeout = TimeSpan.FromSeconds(1) };
        using var stop = new CancellationTokenSource();
        await using var daemon = await SyncDaemon.StartAsync(config, NullLoggerFactory.Instance, tuning);
        var run = daemon.RunAsync(stop.Token);
        var port = daemon.Host.ListenEndPoint!.Port;

        await RefusedAsync(port, "GET / HTTP/1.1\r\n\r\n"u8.ToArray(), ProtocolError.OversizeFrame);
        await RefusedAsync(port, HostileFrames.Hello("db", "evil-1", HandshakeProof.CreateNonce()), ProtocolError.WrongGroup);
        await using (var silent = await HostileClient.ConnectAsync(port))
        {
            Assert.Equal(ProtocolError.Timeout, (await silent.ReadUntilClosedAsync())?.Error);
        }

        await InSessionAsync(port, key, "evil-2", HostileFrames.Offer(2, "a/../../escape.txt", "evil-2", "x"u8.ToArray()), ProtocolError.Malformed);
        await InSessionAsync(port, key, "evil-3", HostileFrames.Offer(2, "out/evil.txt", "evil-3", "x"u8.ToArray()), ProtocolError.UnsafePath);
        await InSessionAsync(port, key, "evil-4", HostileFrames.Offer(2, "bad.txt", "evil-4", "x"u8.ToArray(), hash: new byte[32]), ProtocolError.BadContent);
        await InSessionAsync(port, key, "evil-5", HostileFrames.Ack(1_000_001, "evil-5"), ProtocolError.UnexpectedMessage);

        await Eventually.TrueAsync(() => daemon.Host.Counters.ProtocolErrors.Count == 3, "three refusal labels on the host");
        Assert.Equal(1, daemon.Host.Counters.ProtocolErrors["oversize_frame"]);
        Assert.Equal(1, daemon.Host.Counters.ProtocolErrors["wrong_group"]);
        Assert.Equal(1, daemon.Host.Counters.ProtocolErrors["handshake_timeout"]);
        var group = daemon.Groups[0].Counters.ProtocolErrors;
        await Eventually.TrueAsync(() => group.Count == 4, "four in-session labels on the group");
        Assert.Equal(1, group["malformed"]);
        Assert.Equal(1, group["unsafe_path"]);
        Assert.Equal(1, group["bad_content"]);
        Assert.Equal(1, group["unexpected_message"]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Combine("outside")));
        Assert.False(File.Exists(_dir.Combine("escape.txt")));

        await using (var good = await HostileClient.ConnectAsync(port))
        {
            await good.HandshakeAsync(MemberProcess.Group, "good-1", key);
            await good.SendAsync(HostileFrames.Offer(2, "good.txt", "good-1", "good\n"u8.ToArray()));
            await good.ReceiveAsync<Ack>(a => a.RequestId == 2);
        }

        Assert.Equal("good\n", await File.ReadAllTextAsync(_dir.Combine("root/good.txt")));
        Assert.False(run.IsCompleted, "the daemon stopped running");
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private static async Task RefusedAsync(int port, byte[] bytes, ProtocolError expected)
    {
        await using var client = await HostileClient.ConnectAsync(port);
        await client.SendAsync(bytes);
        Assert.Equal(expected, (await client.ReadUntilClosedAsync())?.Error);
    }

    private static async Task InSessionAsync(int port, byte[] key, string node, byte[] hostile, ProtocolError expected)
    {
        await using var client = await HostileClient.ConnectAsync(port);
        await client.HandshakeAsync(MemberProcess.Group, node, key);
        await client.SendAsync(hostile);
        Assert.Equal(expected, (await client.ReadUntilClosedAsync())?.Error);
    }
}
