using System.Security.Cryptography;

using KubeSync.Engine.Applying;

namespace KubeSync.Engine.Tests.Applying;

public sealed class HashingWriteStreamTests
{
    /// <summary>Writes of every size around the buffer's, sync and async: the inner stream gets the bytes in order, the hash is theirs.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task Writes_SmallAndLargeMixed_InnerGetsAllBytesInOrder_HashMatches(int blockLength)
    {
        var random = new Random(7);
        var sizes = new[] { 1, 999, 1000, 1001, 10, 2500, 500, 500, 1, 0, 4096, 3 };
        using var expected = new MemoryStream();
        using var inner = new MemoryStream();
        using (var hashing = new HashingWriteStream(inner, blockLength: blockLength))
        {
            var i = 0;
            foreach (var size in sizes)
            {
                var data = new byte[size];
                random.NextBytes(data);
                expected.Write(data);
                if (i++ % 2 == 0)
                {
                    hashing.Write(data);
                }
                else
                {
                    await hashing.WriteAsync(data.AsMemory());
                }
            }

            await hashing.FlushAsync();
            Assert.Equal(expected.Length, hashing.Written);
            Assert.Equal(SHA256.HashData(expected.ToArray()), hashing.GetHash());
        }

        Assert.Equal(expected.ToArray(), inner.ToArray());
    }

    [Fact]
    public void Write_SmallerThanTheBuffer_HeldUntilFlush()
    {
        using var inner = new MemoryStream();
        using var hashing = new HashingWriteStream(inner, blockLength: 1000);
        hashing.Write(new byte[300]);
        hashing.Write(new byte[300]);
        Assert.Equal(0, inner.Length);

        hashing.Write(new byte[500]); // does not fit beside the 600: those go first
        Assert.Equal(600, inner.Length);

        hashing.Flush();
        Assert.Equal(1100, inner.Length);
    }

    /// <summary>Past the offload threshold the hashing moves to a worker: the bytes and the hash are the same as inline.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(64 * 1024)]
    public async Task Writes_PastTheOffloadThreshold_HashedByTheWorker_SameBytesAndHash(int blockLength)
    {
        var random = new Random(11);
        using var expected = new MemoryStream();
        using var inner = new MemoryStream();
        using (var hashing = new HashingWriteStream(inner, blockLength: blockLength, offloadAfter: 100_000))
        {
            // Sizes around the gather buffer and the worker's blocks, 3.5 blocks and more in all.
            foreach (var size in new[] { 7, 70_000, 50_000, 1, HashingWriteStream.BlockLength + 3, 999, HashingWriteStream.BlockLength - 1, 2, 3 * HashingWriteStream.BlockLength / 2, 5 })
            {
                var data = new byte[size];
                random.NextBytes(data);
                expected.Write(data);
                await hashing.WriteAsync(data.AsMemory());
            }

            Assert.True(hashing.IsOffloaded);
            await hashing.FlushAsync();
            Assert.Equal(SHA256.HashData(expected.ToArray()), hashing.GetHash());
            Assert.Equal(expected.Length, hashing.Written);
        }

        Assert.Equal(expected.ToArray(), inner.ToArray());
    }

    [Fact]
    public void Dispose_Offloaded_WithoutTakingTheHash_ReturnsWithoutWaitingForever()
    {
        using var inner = new MemoryStream();
        var hashing = new HashingWriteStream(inner, offloadAfter: 10);
        hashing.Write(new byte[100]);
        Assert.True(hashing.IsOffloaded);

        // Three whole blocks go to the file and the worker's queue; disposing waits for the worker, then returns.
        hashing.Write(new byte[3 * HashingWriteStream.BlockLength]);
        hashing.Dispose();
        Assert.Equal(100 + (3 * HashingWriteStream.BlockLength), inner.Length);
    }

    /// <summary>A file longer than the durable interval gets fsyncs started along the way; its bytes and hash are unchanged.</summary>
    [Fact]
    public async Task Writes_PastTheDurableInterval_StartFsyncsAlongTheWay_SameBytesAndHash()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kubesync-hws-{Guid.NewGuid():N}");
        try
        {
            var data = new byte[(5 * HashingWriteStream.BlockLength) + 123];
            new Random(5).NextBytes(data);
            using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write))
            using (var file = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(handle.DangerousGetHandle(), ownsHandle: false), FileAccess.Write, bufferSize: 0))
            using (var hashing = new HashingWriteStream(file, handle, offloadAfter: HashingWriteStream.BlockLength, durableInterval: HashingWriteStream.BlockLength))
            {
                for (var offset = 0; offset < data.Length; offset += 300_000)
                {
                    await hashing.WriteAsync(data.AsMemory(offset, Math.Min(300_000, data.Length - offset)));
                }

                await hashing.FlushAsync();
                Assert.InRange(hashing.SyncsStarted, 1, 5);
                Assert.Equal(SHA256.HashData(data), hashing.GetHash());
            }

            Assert.Equal(data, File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// An fsync along the way that fails fails the file: /dev/null has no fsync (EINVAL), standing in for a disk's
    /// write error, which the kernel reports once per open file and the fsync before the rename might then miss.
    /// </summary>
    [Fact]
    public void Writes_FsyncAlongTheWayFails_FlushThrows()
    {
        using var handle = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        using var device = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(handle.DangerousGetHandle(), ownsHandle: false), FileAccess.Write, bufferSize: 0);
        using var hashing = new HashingWriteStream(device, handle, durableInterval: HashingWriteStream.BlockLength);

        hashing.Write(new byte[2 * HashingWriteStream.BlockLength]);
        Assert.Equal(1, hashing.SyncsStarted);

        var error = Assert.Throws<IOException>(hashing.Flush);
        Assert.Contains("fsync while writing failed", error.Message, StringComparison.Ordinal);
    }
}
