using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// A receiver killed in the middle of a burst of small files (staged, synced concurrently, renamed per burst) shows
/// each file whole or not at all, and converges after a restart.
/// </summary>
public sealed class BurstCrashTests(ITestOutputHelper output)
{
    // Enough files for many receive batches: a batch of up to 512 lands at once, and the receiver must still be
    // mid-burst when the kill comes.
    private const int Files = 4000;

    [Fact]
    public async Task ReceiverKilledMidBurst_EveryFileWholeOrAbsent_ConvergesAfterRestart()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        var paths = Enumerable.Range(0, Files).Select(i => $"d{i % 40}/f{i}.txt").ToArray();
        foreach (var (path, i) in paths.Select((p, i) => (p, i)))
        {
            // Sizes from a few bytes to about 30 KiB: a torn write would show as a shorter or different file.
            group.Write("a", path, string.Concat(Enumerable.Repeat($"{path} line\n", 1 + (i % 1200))));
        }

        await group.ScanNowAsync("a");
        var source = group.Tree("a")!;

        // Counting names (not reading contents, as Tree does) keeps the time from the first landed batch to the kill short.
        await Eventually.TrueAsync(() => CountFiles(group.PathOf("b", "")) >= Files / 20, $"b to hold some of the burst\n{group.DescribeLogs()}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(1));
        await group.KillAsync("b");

        var arrived = group.Tree("b")!;
        output.WriteLine($"entries on b right after the kill: {arrived.Count} of {source.Count}");
        Assert.True(arrived.Count < source.Count, "b held the whole burst before it was killed: the kill came too late to test anything");
        Assert.All(arrived, kv => Assert.True(source.TryGetValue(kv.Key, out var expected) && expected == kv.Value, $"{kv.Key} on b is not a's file"));

        await group.RestartAsync("b");
        await group.WaitConvergedAsync(TimeSpan.FromSeconds(120), paths);

        Assert.Equal(source.Count, group.Tree("b")!.Count);
        Assert.Empty(group.TempFiles("b"));
    }

    private static int CountFiles(string root)
    {
        try
        {
            return Directory.EnumerateFiles(root, "f*.txt", SearchOption.AllDirectories).Count();
        }
        catch (IOException)
        {
            return 0; // a directory renamed into place while it was listed: ask again
        }
    }
}
