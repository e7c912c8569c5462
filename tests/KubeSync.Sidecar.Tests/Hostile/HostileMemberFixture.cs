using System.Security.Cryptography;
using System.Text;

using KubeSync.Engine.Protocol;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// One plaintext member shared by the hostile cases of a class (starting a process is the slow part), and the
/// checks every case ends with: the Goodbye and the log name the reason, nothing outside the root changed, and a
/// well-behaved peer still syncs a file with the member.
/// </summary>
public class HostileMemberFixture : IAsyncLifetime
{
    private int _clients;

    internal MemberProcess Member { get; private set; } = null!;

    /// <summary>How clients secure their connections: plaintext here, mutual TLS in <see cref="HostileTlsMemberFixture"/>.</summary>
    internal PeerTls ClientTls { get; private protected set; } = PeerTls.Insecure;

    public async Task InitializeAsync()
    {
        Member = await StartMemberAsync();

        // The root's symlink to the outside must be in the state before a peer offers a path through it.
        await Member.WaitForLogAsync($"{MemberProcess.Group}: scanned");
    }

    public virtual async Task DisposeAsync() => await Member.DisposeAsync();

    private protected virtual Task<MemberProcess> StartMemberAsync() => MemberProcess.StartAsync("web-0");

    /// <summary>A fresh node id per connection, so sessions never replace each other and logs name one client.</summary>
    internal string NextNode(string role) => $"{role}-{Interlocked.Increment(ref _clients)}";

    /// <summary>A client that has passed the handshake, ready to misbehave inside a session.</summary>
    internal async Task<(HostileClient Client, string Node)> OpenSessionAsync()
    {
        var node = NextNode("evil");
        var client = await HostileClient.ConnectAsync(Member.Port, ClientTls);
        try
        {
            Assert.Equal(Member.Node, await client.HandshakeAsync(MemberProcess.Group, node, Member.Key));
            return (client, node);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>The member refused the connection before a session: Goodbye with <paramref name="expected"/>, and the log says why.</summary>
    internal async Task AssertRefusedAsync(HostileClient client, ProtocolError expected)
    {
        var goodbye = await client.ReadUntilClosedAsync();
        Assert.True(goodbye is not null, $"no Goodbye; received: {client.Describe()}");
        Assert.Equal(expected, goodbye.Error);
        await Member.WaitForLogAsync($"refused a connection from {client.LocalEndPoint} ({expected.ToLabel()})");
    }

    /// <summary>The member closed the session: Goodbye with <paramref name="expected"/>, and the log says why.</summary>
    internal async Task AssertSessionClosedAsync(HostileClient client, string node, ProtocolError expected)
    {
        var goodbye = await client.ReadUntilClosedAsync();
        Assert.True(goodbye is not null, $"no Goodbye; received: {client.Describe()}");
        Assert.True(expected == goodbye.Error, $"expected {expected}, the Goodbye says {goodbye.Error}: {goodbye.Reason}");
        await Member.WaitForLogAsync($"{MemberProcess.Group}: closing the connection with {node} ({expected.ToLabel()})");
    }

    /// <summary>The process lives on and a well-behaved peer syncs a file with it; nothing outside the root changed.</summary>
    internal async Task AssertUnharmedAsync(IReadOnlyList<string> outsideBefore)
    {
        Assert.False(Member.HasExited, $"the member exited:\n{Member.Stderr}");
        Assert.Equal(outsideBefore, Member.SnapshotOutsideRoot());
        await SyncWellBehavedAsync();
    }

    /// <summary>A well-behaved peer offers a small file; the member acknowledges it and writes it into the root.</summary>
    internal async Task SyncWellBehavedAsync()
    {
        var node = NextNode("good");
        var content = Encoding.UTF8.GetBytes($"hello from {node}\n");
        await using var client = await HostileClient.ConnectAsync(Member.Port, ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, Member.Key);
        await client.SendAsync(HostileFrames.Offer(2, $"{node}.txt", node, content));
        await client.ReceiveAsync<Ack>(a => a.RequestId == 2);
        var path = Member.InRoot($"{node}.txt");
        Assert.True(File.Exists(path), $"{node}.txt was acknowledged but is not in the root");
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await File.ReadAllBytesAsync(path)));
        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }
}
