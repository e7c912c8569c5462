using System.Security.Cryptography;

using KubeSync.Engine.Applying;
using KubeSync.Engine.Tests.Delta;

namespace KubeSync.Engine.Tests.Applying;

public sealed class HashingWriteStreamTests
{
    [Fact]
    public void Write_SmallAndLargePiecesInTurn_PassesThemOnInOrderAndHashesTheirConcatenation()
    {
        var data = RandomEdits.Bytes(new Random(3), (5 * HashingWriteStream.ParallelHashLength) + 12345);
        var inner = new MemoryStream();
        using var hashing = new HashingWriteStream(inner);

        var offset = 0;
        foreach (var length in new[] { 100, 2 * HashingWriteStream.ParallelHashLength, 7, HashingWriteStream.ParallelHashLength, HashingWriteStream.ParallelHashLength - 1 })
        {
            if (length >= HashingWriteStream.ParallelHashLength)
            {
                hashing.Write(data, offset, length);
            }
            else
            {
                hashing.Write(data.AsSpan(offset, length));
            }

            offset += length;
        }

        hashing.Write(data, offset, data.Length - offset);

        Assert.Equal(data.Length, hashing.Written);
        Assert.Equal(data, inner.ToArray());
        Assert.Equal(SHA256.HashData(data), hashing.GetHash());
    }

    [Fact]
    public void Write_LargePieceTheInnerStreamRefuses_ThrowsItsOwnException()
    {
        var data = new byte[HashingWriteStream.ParallelHashLength];
        using var hashing = new HashingWriteStream(new MemoryStream(new byte[10], writable: true));

        Assert.Throws<NotSupportedException>(() => hashing.Write(data, 0, data.Length));
        Assert.Equal(0, hashing.Written);
    }
}
