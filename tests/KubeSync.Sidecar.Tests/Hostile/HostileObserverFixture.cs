using System.Security.Cryptography;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// A member with a file to read (<c>root/shown.bin</c>, larger than one ReadChunk) and a secret outside its root that
/// <c>root/out</c> leads to; its handshake timeout is 2 s.
/// </summary>
public sealed class HostileObserverFixture : HostileMemberFixture
{
    public const string Shown = "shown.bin";

    public static readonly byte[] ShownContent = RandomNumberGenerator.GetBytes(600_000);

    private protected override Task<MemberProcess> StartMemberAsync() =>
        MemberProcess.StartAsync("web-0", timing: "rescan: 1s, pull: 1s, handshake: 2s", prepare: dir =>
        {
            File.WriteAllBytes(dir.Combine("root/" + Shown), ShownContent);
            dir.WriteFile("outside/secret.txt", "never to be read\n");
        });
}
