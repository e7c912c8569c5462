using System.Security.Cryptography;

using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>A receiver killed in the middle of a large transfer never shows a partial file, and finishes after a restart.</summary>
public sealed class LargeTransferCrashTests(ITestOutputHelper output)
{
    private const string Big = "big.bin";
    private const int Size = 200 * 1024 * 1024;
    private const long MidTransfer = 16 * 1024 * 1024;
    private const string OldContent = "the old, small version\n";

    [Fact]
    public async Task ReceiverKilledMidTransfer_NoPartialFile_ConvergesAfterRestart()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        group.Write("a", Big, OldContent);
        await group.ScanNowAsync("a");
        await group.WaitConvergedAsync(Big);

        // Written beside the root and renamed in, so that no rescan of a sees a half-written file.
        var staging = Path.Combine(Path.GetDirectoryName(group.Root("a"))!, "big.staging");
        var expectedHash = WriteRandomFile(staging, Size);
        File.Move(staging, group.PathOf("a", Big), overwrite: true);
        await group.ScanNowAsync("a");

        // Killed once some of the content has arrived, not while the temp file is still empty.
        await Eventually.TrueAsync(() => ReceivedSoFar(group) >= MidTransfer, $"b to receive {MidTransfer} bytes of {Big} into a temp file\n{group.DescribeLogs()}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(1));
        await group.KillAsync("b");

        var partial = group.TempFiles("b").Select(p => $"{Path.GetFileName(p)} ({new FileInfo(p).Length} bytes)").ToList();
        output.WriteLine($"temp files on b right after the kill: {string.Join(", ", partial)}");
        Assert.NotEmpty(partial);
        Assert.Equal(OldContent, File.ReadAllText(group.PathOf("b", Big)));
        Assert.Single(group.Tree("b")!);

        await group.RestartAsync("b");
        await group.WaitConvergedAsync(TimeSpan.FromSeconds(90), Big);

        using (var stream = File.OpenRead(group.PathOf("b", Big)))
        {
            Assert.Equal(expectedHash, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
        }

        // The restarted member removed the temp file the killed transfer left, before its first scan.
        var leftovers = group.TempFiles("b");
        Assert.True(leftovers.Count == 0, $"temp files left on b: {string.Join(", ", leftovers.Select(Path.GetFileName))}");
        await Eventually.TrueAsync(() => group.Log("b").Contains("removed 1 temp files left by interrupted transfers", StringComparison.Ordinal), "b logs the temp file it removed", TimeSpan.FromSeconds(10));
    }

    private static long ReceivedSoFar(MemberGroup group)
    {
        long total = 0;
        foreach (var temp in group.TempFiles("b"))
        {
            try
            {
                total = Math.Max(total, new FileInfo(temp).Length);
            }
            catch (IOException)
            {
                // Renamed into place or removed between listing and stat.
            }
        }

        return total;
    }

    private static string WriteRandomFile(string path, int size)
    {
        var buffer = new byte[1 << 20];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(path))
        {
            for (var written = 0; written < size; written += buffer.Length)
            {
                Random.Shared.NextBytes(buffer);
                file.Write(buffer);
                hash.AppendData(buffer);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
