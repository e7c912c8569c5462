using System.Security.Cryptography;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Scanning;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Scanning;

public sealed class ContentHasherTests : IDisposable
{
    private readonly TempDirectory _dir = new("kubesync-hasher");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(256 * 1024)]
    [InlineData((int)ContentHasher.ReadAheadFrom - 1)]
    [InlineData((int)ContentHasher.ReadAheadFrom)]
    [InlineData((int)ContentHasher.ReadAheadFrom + (3 * 1024 * 1024) + 17)]
    public void Hash_AnyLength_IsTheContentsSha256AndUnchanged(int length)
    {
        var content = RandomNumberGenerator.GetBytes(length);
        var path = _dir.Combine("f.bin");
        File.WriteAllBytes(path, content);
        Assert.Equal(0, NativeFileSystem.TryStat(path, out var before));

        var result = ContentHasher.Hash(path, before);

        Assert.Null(result.Error);
        Assert.False(result.ChangedWhileReading);
        Assert.Equal(SHA256.HashData(content), result.Hash);
        Assert.Equal(length, result.Stat.Size);
    }

    [Fact]
    public void Hash_LargeFileGrownSinceItsStat_ReportsTheChange()
    {
        var path = _dir.Combine("f.bin");
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes((int)ContentHasher.ReadAheadFrom));
        Assert.Equal(0, NativeFileSystem.TryStat(path, out var before));
        using (var stream = new FileStream(path, FileMode.Append))
        {
            stream.Write(RandomNumberGenerator.GetBytes(4096));
        }

        var result = ContentHasher.Hash(path, before);

        Assert.True(result.ChangedWhileReading);
    }
}
