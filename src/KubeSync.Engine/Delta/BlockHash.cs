using System.Buffers.Binary;
using System.Numerics;

namespace KubeSync.Engine.Delta;

/// <summary>Which function a signature's strong block hashes come from (<see cref="BlockSignature.Kind"/>).</summary>
public enum BlockHashKind
{
    /// <summary>MurmurHash3 x64-128, seed 0: 16 bytes, or its first 8 (signature format 1, every protocol version).</summary>
    Murmur3 = 0,

    /// <summary>XXH3-64, seed 0, 8 bytes little-endian (signature format 2, protocol version 6 and later).</summary>
    Xxh3 = 1,
}

/// <summary>
/// The strong hash of one delta block: MurmurHash3 x64-128 (seed 0), 16 bytes (h1 then h2, little-endian), or XXH3-64
/// (seed 0), 8 bytes little-endian, which runs three to four times as fast here (its 8 bytes are all a version 3
/// peer sent of the 16 anyway).
/// It only has to tell the sender's window from a basis block whose weak checksum matched, so a fast
/// non-cryptographic 128-bit hash is enough (rsync uses MD5 or xxh128 here): a collision, accidental or crafted
/// by a sender against its own transfer, yields a rebuilt file that fails the whole-file SHA-256 check and is
/// discarded. SHA-256 per block (one call per block, about 680 MB/s on the benchmark machine) cost three quarters of a
/// large transfer's CPU.
/// </summary>
public static class BlockHash
{
    private const ulong C1 = 0x87c37b91114253d5UL;
    private const ulong C2 = 0x4cf5ad432745937fUL;

    /// <summary>Bytes of a strong hash of <paramref name="kind"/>.</summary>
    public static int LengthOf(BlockHashKind kind) => kind == BlockHashKind.Xxh3 ? DeltaLimits.ShortStrongHashLength : DeltaLimits.StrongHashLength;

    /// <summary>The strong hash of <paramref name="data"/> by <paramref name="kind"/>, <see cref="LengthOf"/> bytes into <paramref name="destination"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> data, Span<byte> destination, BlockHashKind kind)
    {
        if (kind == BlockHashKind.Xxh3)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination, System.IO.Hashing.XxHash3.HashToUInt64(data));
        }
        else
        {
            Compute(data, destination);
        }
    }

    public static void Compute(ReadOnlySpan<byte> data, Span<byte> destination, uint seed = 0)
    {
        ulong h1 = seed;
        ulong h2 = seed;
        var blocks = data.Length / 16;
        for (var i = 0; i < blocks; i++)
        {
            var k1 = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i * 16));
            var k2 = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice((i * 16) + 8));
            h1 ^= MixK1(k1);
            h1 = (BitOperations.RotateLeft(h1, 27) + h2) * 5 + 0x52dce729;
            h2 ^= MixK2(k2);
            h2 = (BitOperations.RotateLeft(h2, 31) + h1) * 5 + 0x38495ab5;
        }

        var tail = data.Slice(blocks * 16);
        if (tail.Length > 8)
        {
            h2 ^= MixK2(ReadPartial(tail.Slice(8)));
        }

        if (tail.Length > 0)
        {
            h1 ^= MixK1(ReadPartial(tail[..Math.Min(8, tail.Length)]));
        }

        h1 ^= (ulong)data.Length;
        h2 ^= (ulong)data.Length;
        h1 += h2;
        h2 += h1;
        h1 = Fmix(h1);
        h2 = Fmix(h2);
        h1 += h2;
        h2 += h1;
        BinaryPrimitives.WriteUInt64LittleEndian(destination, h1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(8), h2);
    }

    private static ulong MixK1(ulong k) => BitOperations.RotateLeft(k * C1, 31) * C2;

    private static ulong MixK2(ulong k) => BitOperations.RotateLeft(k * C2, 33) * C1;

    /// <summary>Up to 8 bytes as a little-endian integer (the missing high bytes are zero).</summary>
    private static ulong ReadPartial(ReadOnlySpan<byte> bytes)
    {
        Span<byte> padded = stackalloc byte[8];
        padded.Clear();
        bytes.CopyTo(padded);
        return BinaryPrimitives.ReadUInt64LittleEndian(padded);
    }

    private static ulong Fmix(ulong k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53UL;
        k ^= k >> 33;
        return k;
    }
}
