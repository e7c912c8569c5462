using System.Security.Cryptography;

using KubeSync.Engine.Delta;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Delta;

public sealed class SignatureCacheTests : IDisposable
{
    private static readonly SyncPath Big = SyncPath.Parse("data/big.bin");

    private readonly TempDirectory _dir = new("kubesync-sigcache");
    private readonly byte[] _content = RandomNumberGenerator.GetBytes(300_000);
    private readonly byte[] _hash;
    private readonly FileStat _stat;
    private readonly BlockSignature _signature;
    private readonly SignatureCache _cache;

    public SignatureCacheTests()
    {
        _hash = SHA256.HashData(_content);
        var file = _dir.Combine("big.bin");
        File.WriteAllBytes(file, _content);
        Assert.Equal(0, NativeFileSystem.TryStat(file, out _stat));
        Assert.NotEqual(0, _stat.CtimeNs);
        using var stream = new MemoryStream(_content);
        _signature = SignatureBuilder.BuildAsync(stream, BlockSize, DeltaLimits.MaxBlockCount, CancellationToken.None).GetAwaiter().GetResult();
        _cache = new SignatureCache(_dir.Combine("signatures"));
    }

    private static int BlockSize => SignatureBuilder.ChooseBlockSize(300_000);

    private string EntryFile => Assert.Single(Directory.GetFiles(_dir.Combine("signatures"), "*.sig"));

    [Fact]
    public void TryGet_AfterStore_ReturnsTheSameBlocks()
    {
        _cache.Store(Big, _hash, _stat, _signature);

        var kept = _cache.TryGet(Big, _hash, _stat, BlockSize);

        Assert.NotNull(kept);
        Assert.Equal(SignatureCodec.Encode(_signature), SignatureCodec.Encode(kept));
    }

    [Fact]
    public async Task TryGet_Xxh3SignatureKept_ComesBackAsXxh3AndOnlyForThatKind()
    {
        using var stream = new MemoryStream(_content);
        var xxh3 = await SignatureBuilder.BuildAsync(stream, BlockSize, DeltaLimits.MaxBlockCount, BlockHashKind.Xxh3, CancellationToken.None);
        _cache.Store(Big, _hash, _stat, xxh3);

        // Read back from its file by a new cache, as after a restart.
        var reopened = new SignatureCache(_dir.Combine("signatures"));
        var kept = reopened.TryGet(Big, _hash, _stat, BlockSize, BlockHashKind.Xxh3);

        Assert.NotNull(kept);
        Assert.Equal(BlockHashKind.Xxh3, kept.Kind);
        Assert.Equal(SignatureCodec.Encode(xxh3), SignatureCodec.Encode(kept));
        Assert.Null(reopened.TryGet(Big, _hash, _stat, BlockSize, BlockHashKind.Murmur3)); // an older peer's transfer signs afresh
        Assert.Null(reopened.TryGet(Big, _hash, _stat, BlockSize));
    }

    [Fact]
    public void TryGet_NothingStored_IsNull()
    {
        Assert.Null(_cache.TryGet(Big, _hash, _stat, BlockSize));
    }

    [Fact]
    public void TryGet_OtherPath_IsNull()
    {
        _cache.Store(Big, _hash, _stat, _signature);

        Assert.Null(_cache.TryGet(SyncPath.Parse("data/other.bin"), _hash, _stat, BlockSize));
    }

    public static TheoryData<string> Changes => ["size", "mtime", "ctime", "inode", "device", "hash", "block size"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void TryGet_FileNotAsSigned_IsNull(string change)
    {
        _cache.Store(Big, _hash, _stat, _signature);
        var stat = change switch
        {
            "size" => _stat with { Size = _stat.Size + 1 },
            "mtime" => _stat with { MtimeNs = _stat.MtimeNs + 1 },
            "ctime" => _stat with { CtimeNs = _stat.CtimeNs + 1 },
            "inode" => _stat with { Inode = _stat.Inode + 1 },
            "device" => _stat with { Device = _stat.Device + 1 },
            _ => _stat,
        };
        var hash = change == "hash" ? SHA256.HashData("other"u8) : _hash;
        var blockSize = change == "block size" ? BlockSize + 8 : BlockSize;

        Assert.Null(_cache.TryGet(Big, hash, stat, blockSize));
    }

    [Fact]
    public void TryGet_AfterAWriteThatPutsTheMtimeBack_IsNull()
    {
        var file = _dir.Combine("big.bin");
        _cache.Store(Big, _hash, _stat, _signature);
        var mtime = File.GetLastWriteTimeUtc(file);

        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 1000;
            stream.WriteByte(0x5A);
        }

        File.SetLastWriteTimeUtc(file, mtime);
        Assert.Equal(0, NativeFileSystem.TryStat(file, out var now));

        Assert.Null(_cache.TryGet(Big, _hash, now, BlockSize));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(-1)]
    public void TryGet_DamagedEntry_IsNullAndRemoved(int offset)
    {
        _cache.Store(Big, _hash, _stat, _signature);
        var entry = EntryFile;
        var data = File.ReadAllBytes(entry);
        data[offset < 0 ? data.Length / 2 : offset] ^= 0x01;
        File.WriteAllBytes(entry, data);

        Assert.Null(_cache.TryGet(Big, _hash, _stat, BlockSize));
        Assert.False(File.Exists(entry));
    }

    [Fact]
    public void TryGet_TruncatedEntry_IsNullAndRemoved()
    {
        _cache.Store(Big, _hash, _stat, _signature);
        var entry = EntryFile;
        var data = File.ReadAllBytes(entry);
        File.WriteAllBytes(entry, data[..(data.Length - 100)]);

        Assert.Null(_cache.TryGet(Big, _hash, _stat, BlockSize));
        Assert.False(File.Exists(entry));
    }

    [Fact]
    public void Store_SamePathAgain_ReplacesTheEntry()
    {
        _cache.Store(Big, _hash, _stat, _signature);
        var other = SHA256.HashData("second"u8);
        var stat = _stat with { MtimeNs = _stat.MtimeNs + 5 };

        _cache.Store(Big, other, stat, _signature);

        Assert.Single(Directory.GetFiles(_dir.Combine("signatures")));
        Assert.Null(_cache.TryGet(Big, _hash, _stat, BlockSize));
        Assert.NotNull(_cache.TryGet(Big, other, stat, BlockSize));
    }

    [Fact]
    public void Forget_RemovesTheEntry()
    {
        _cache.Store(Big, _hash, _stat, _signature);

        _cache.Forget(Big);

        Assert.Empty(Directory.GetFiles(_dir.Combine("signatures")));
        Assert.Null(_cache.TryGet(Big, _hash, _stat, BlockSize));
    }

    [Fact]
    public void Store_PastTheLimit_EvictsTheOldestEntries()
    {
        var entryLength = SignatureCodec.GetEncodedLength(_signature) + 300;
        var cache = new SignatureCache(_dir.Combine("signatures"), maxBytes: 3 * entryLength);
        var paths = Enumerable.Range(0, 5).Select(i => SyncPath.Parse($"f{i}.bin")).ToArray();
        for (var i = 0; i < paths.Length; i++)
        {
            // Each entry gets a written time of its own, older than the next one's store.
            var before = Directory.Exists(_dir.Combine("signatures")) ? Directory.GetFiles(_dir.Combine("signatures")) : [];
            cache.Store(paths[i], _hash, _stat, _signature);
            var added = Assert.Single(Directory.GetFiles(_dir.Combine("signatures")).Except(before));
            File.SetLastWriteTimeUtc(added, DateTime.UtcNow.AddMinutes(i - 10));
        }

        var left = paths.Where(p => cache.TryGet(p, _hash, _stat, BlockSize) is not null).ToArray();
        Assert.Equal(paths[^3..], left);
    }

    [Fact]
    public void RemoveLeftovers_DeletesTempFilesOnly()
    {
        _cache.Store(Big, _hash, _stat, _signature);
        var temp = _dir.Combine("signatures/abc.sig.7.tmp");
        File.WriteAllBytes(temp, [1, 2, 3]);

        _cache.RemoveLeftovers();

        Assert.False(File.Exists(temp));
        Assert.NotNull(_cache.TryGet(Big, _hash, _stat, BlockSize));
    }

    public void Dispose() => _dir.Dispose();
}
