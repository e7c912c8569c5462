using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

using KubeSync.Engine.Delta;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// A receiver keeps the block signature of a large file it received and uses it for the next delta against that
/// file; a kept signature that does not fit the file costs a retry, never a wrong file.
/// </summary>
public sealed class SignatureReuseTests(ITestOutputHelper output)
{
    private const string Big = "big.bin";
    private const int Size = 40 * 1024 * 1024;

    [Fact]
    public async Task SecondDelta_UsesTheKeptSignature_AndALyingOneOnlyCostsARetry()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var content = RandomNumberGenerator.GetBytes(Size);
        await WriteAndSyncAsync(group, content);
        await WaitKeptAsync(group, content);

        // 1 MiB changed in the middle: b rebuilds from its copy with the signature it kept.
        RandomNumberGenerator.Fill(content.AsSpan((Size / 2) - (1 << 19), 1 << 20));
        await WriteAndSyncAsync(group, content);
        Assert.Equal(1, await ReadCounterAsync(http, group, "kubesync_delta_signatures_reused_total"));
        Assert.True(await ReadCounterAsync(http, group, "kubesync_delta_saved_bytes_total") >= Size - (2 << 20), "most of the file copied from b's own copy");
        await WaitKeptAsync(group, content);

        // A kept signature that passes every check of the entry but describes other content: the signature of the
        // next version, as if b already had it. a then sends only copies, b rebuilds its old content, which fails
        // the SHA-256; b forgets the entry, the retry signs the file as it is, and the right content lands.
        var next = (byte[])content.Clone();
        RandomNumberGenerator.Fill(next.AsSpan(1 << 20, 1 << 20));
        var entry = Assert.Single(Directory.GetFiles(SignatureDirectory(group), "*.sig"));
        var kept = SignatureCodec.Decode(File.ReadAllBytes(entry).AsSpan(77..^32));
        Assert.Equal(BlockHashKind.Xxh3, kept.Kind); // the kind a current peer's Need carries
        BlockSignature lying;
        using (var stream = new MemoryStream(next))
        {
            lying = await SignatureBuilder.BuildAsync(stream, kept.BlockSize, DeltaLimits.MaxBlockCount, kept.Kind, CancellationToken.None);
        }

        Assert.Equal(0, NativeFileSystem.TryStat(group.PathOf("b", Big), out var stat));
        new SignatureCache(SignatureDirectory(group)).Store(SyncPath.Parse(Big), SHA256.HashData(content), stat, lying);

        await WriteAndSyncAsync(group, next);
        // b logs the mismatch before it signs afresh, but the test reads b's log from a pipe that may lag behind the sync.
        await Eventually.TrueAsync(
            () => Task.FromResult(group.Log("b").Contains("the rebuilt file does not match", StringComparison.Ordinal)),
            () => $"b to log the rebuilt file's mismatch\n{group.Log("b")}");
        Assert.Equal(2, await ReadCounterAsync(http, group, "kubesync_delta_signatures_reused_total"));
    }

    private static string SignatureDirectory(MemberGroup group) => Path.Combine(group.Root("b"), ".kubesync", "signatures");

    private async Task WriteAndSyncAsync(MemberGroup group, byte[] content)
    {
        // Written beside the root and renamed in, so that no scan of a sees half a file.
        var staging = Path.Combine(Path.GetDirectoryName(group.Root("a"))!, "big.staging");
        await File.WriteAllBytesAsync(staging, content);
        File.Move(staging, group.PathOf("a", Big), overwrite: true);
        await group.ScanNowAsync("a");
        var expected = Convert.ToHexStringLower(SHA256.HashData(content));
        await Eventually.TrueAsync(() => HashOf(group.PathOf("b", Big)) == expected, $"b to hold the new {Big}\n{group.DescribeLogs()}", TimeSpan.FromSeconds(60));
        output.WriteLine($"b holds {expected[..12]}");
    }

    /// <summary>Until b's kept entry is the one of <paramref name="content"/> (it is written in the background after the rename).</summary>
    private static Task WaitKeptAsync(MemberGroup group, byte[] content)
    {
        var hash = SHA256.HashData(content);
        return Eventually.TrueAsync(
            () => Directory.Exists(SignatureDirectory(group))
                && Directory.GetFiles(SignatureDirectory(group), "*.sig") is [var entry]
                && ReadHead(entry) is { Length: >= 37 } head && head.AsSpan(5, 32).SequenceEqual(hash),
            $"b to keep the signature of its {Big}\n{group.DescribeLogs()}",
            TimeSpan.FromSeconds(30));
    }

    private static byte[] ReadHead(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            var head = new byte[37];
            return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length ? head : [];
        }
        catch (IOException)
        {
            return []; // replaced between listing and reading
        }
    }

    private static string? HashOf(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<long> ReadCounterAsync(HttpClient http, MemberGroup group, string name)
    {
        using var response = await http.GetAsync(new Uri(group.AdminUri("b"), "metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var match = Regex.Match(text, $@"^{Regex.Escape(name)}\{{[^}}]*group=""web""[^}}]*\}} (\d+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} in b's metrics:\n{text}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
