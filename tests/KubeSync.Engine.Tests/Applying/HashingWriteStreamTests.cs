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
}
