using System.Diagnostics;

using KubeSync.Testing;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// A client that connects and says nothing holds only its own connection: a second member still syncs meanwhile,
/// and the silent connection is closed with <c>Goodbye{timeout}</c> when the handshake timeout (<c>timing.handshake</c>, 10 s by default) ends.
/// </summary>
public sealed class SilentPeerTests
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Connect_SilentClient_OtherMembersStillSyncAndItIsClosedAfterTheHandshakeTimeout()
    {
        await using var web0 = await MemberProcess.StartAsync("web-0");
        await web0.WaitForLogAsync($"{MemberProcess.Group}: scanned");
        var before = web0.SnapshotOutsideRoot();
        await using var silent = await HostileClient.ConnectAsync(web0.Port);
        var connected = Stopwatch.StartNew();
        var closed = silent.ReadUntilClosedAsync();

        await using (var web1 = await MemberProcess.StartAsync("web-1", keyFrom: web0, peers: $"[web-0=127.0.0.1:{web0.Port}]", prepare: dir => dir.WriteFile("root/from-web-1.txt", "synced past a silent peer\n")))
        {
            await Eventually.TrueAsync(() => File.Exists(web0.InRoot("from-web-1.txt")), $"web-1's file to reach web-0; web-0 said:\n{web0.Stderr}\nweb-1 said:\n{web1.Stderr}");
            Assert.Equal("synced past a silent peer\n", await File.ReadAllTextAsync(web0.InRoot("from-web-1.txt")));
        }

        Assert.False(closed.IsCompleted, $"the silent connection ended after {connected.Elapsed.TotalSeconds:0.0} s, before the other member synced; the test proves nothing");
        var goodbye = await closed;
        Assert.True(goodbye is { Error: KubeSync.Engine.Protocol.ProtocolError.Timeout }, $"the silent connection was not closed with Goodbye{{timeout}}: {silent.Describe()}");
        Assert.InRange(connected.Elapsed, HandshakeTimeout - TimeSpan.FromSeconds(1), HandshakeTimeout * 2);
        await web0.WaitForLogAsync($"refused a connection from {silent.LocalEndPoint} (handshake_timeout)");
        Assert.False(web0.HasExited);
        Assert.Equal(before, web0.SnapshotOutsideRoot());
    }
}
