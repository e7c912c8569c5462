using System.Buffers.Binary;

namespace KubeSync.Engine.Delta;

/// <summary>
/// The wire form of a <see cref="BlockSignature"/> (what a Need message carries):
/// <code>
/// u8      version              1: MurmurHash3 strong hashes; 2: XXH3-64 ones (protocol version 6 and later)
/// u8      strong hash length   16 or 8 (version 1), 8 (version 2)
/// varint  block size           64..131072
/// varint  block count          0..max block count (at most 1 048 576)
/// varint  last block length    0 when there are no blocks, else 1..block size
/// count × { u32 little-endian weak checksum, strong hash (the first length bytes of BlockHash) }
/// </code>
/// Varints are unsigned LEB128 in their shortest form, at most 5 bytes. Nothing may follow the last block.
/// </summary>
/// <remarks>
/// Decoding is for untrusted input: the header is checked against <see cref="DeltaLimits"/> and the block
/// count against the bytes actually present before anything is allocated, so a hostile length cannot
/// cause a large allocation; every failure is an <see cref="InvalidDataException"/>.
/// </remarks>
public static class SignatureCodec
{
    /// <summary>The format of a signature whose strong hashes are MurmurHash3 (<see cref="BlockHashKind.Murmur3"/>).</summary>
    public const byte Version = 1;

    /// <summary>The format of a signature whose strong hashes are XXH3-64 (<see cref="BlockHashKind.Xxh3"/>): only to a peer of protocol version 6 or later.</summary>
    public const byte Xxh3Version = 2;

    /// <summary>Exact length of <paramref name="signature"/>'s encoding.</summary>
    public static int GetEncodedLength(BlockSignature signature) => GetEncodedLength(signature, signature?.StrongLength ?? 0);

    /// <summary>Exact length of <paramref name="signature"/>'s encoding with <paramref name="strongLength"/> bytes of strong hash per block.</summary>
    public static int GetEncodedLength(BlockSignature signature, int strongLength)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return 2 + Varint.GetLength((uint)signature.BlockSize) + Varint.GetLength((uint)signature.BlockCount)
            + Varint.GetLength((uint)signature.LastBlockLength) + (signature.BlockCount * (4 + strongLength));
    }

    public static byte[] Encode(BlockSignature signature) => Encode(signature, signature?.StrongLength ?? 0);

    /// <summary>
    /// Encodes <paramref name="signature"/> with the first <paramref name="strongLength"/> bytes of each strong hash
    /// (<see cref="DeltaLimits.ShortStrongHashLength"/> for a peer of protocol version 3 or later).
    /// </summary>
    public static byte[] Encode(BlockSignature signature, int strongLength)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (!DeltaLimits.IsStrongHashLength(strongLength) || strongLength > signature.StrongLength)
        {
            throw new ArgumentOutOfRangeException(nameof(strongLength), strongLength, $"a signature with {signature.StrongLength}-byte strong hashes cannot be sent with {strongLength}");
        }

        var bytes = new byte[GetEncodedLength(signature, strongLength)];
        var span = bytes.AsSpan();
        span[0] = signature.Kind == BlockHashKind.Xxh3 ? Xxh3Version : Version;
        span[1] = (byte)strongLength;
        var position = 2;
        position += Varint.Write(span[position..], (uint)signature.BlockSize);
        position += Varint.Write(span[position..], (uint)signature.BlockCount);
        position += Varint.Write(span[position..], (uint)signature.LastBlockLength);
        for (var i = 0; i < signature.BlockCount; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[position..], signature.GetWeak(i));
            signature.GetStrong(i)[..strongLength].CopyTo(span[(position + 4)..]);
            position += 4 + strongLength;
        }

        return bytes;
    }

    /// <summary>
    /// Decodes a signature from untrusted bytes, accepting at most <paramref name="maxBlockCount"/> blocks.
    /// Throws <see cref="InvalidDataException"/> on any defect.
    /// </summary>
    public static BlockSignature Decode(ReadOnlySpan<byte> data, int maxBlockCount = DeltaLimits.MaxBlockCount)
    {
        var reader = new WireReader(data);
        var version = reader.ReadByte("signature version");
        if (version is not Version and not Xxh3Version)
        {
            throw new InvalidDataException($"signature version {version} is not supported (expected {Version} or {Xxh3Version})");
        }

        var kind = version == Xxh3Version ? BlockHashKind.Xxh3 : BlockHashKind.Murmur3;
        var strongLength = reader.ReadByte("strong hash length");
        if (!DeltaLimits.IsStrongHashLength(strongLength) || (kind == BlockHashKind.Xxh3 && strongLength != DeltaLimits.ShortStrongHashLength))
        {
            throw new InvalidDataException(kind == BlockHashKind.Xxh3
                ? $"strong hash length {strongLength} is not supported for XXH3 hashes (expected {DeltaLimits.ShortStrongHashLength})"
                : $"strong hash length {strongLength} is not supported (expected {DeltaLimits.StrongHashLength} or {DeltaLimits.ShortStrongHashLength})");
        }

        var blockEntryLength = 4 + strongLength;

        var blockSize = reader.ReadVarint("block size", DeltaLimits.MinBlockSize, DeltaLimits.MaxBlockSize);
        var blockCount = reader.ReadVarint("block count", 0, Math.Clamp(maxBlockCount, 0, DeltaLimits.MaxBlockCount));
        var lastLength = reader.ReadVarint("last block length", 0, blockSize);
        var error = BlockSignature.Validate(blockSize, blockCount, lastLength, maxBlockCount);
        if (error is not null)
        {
            throw new InvalidDataException($"signature: {error}");
        }

        if ((long)blockCount * blockEntryLength != reader.Remaining)
        {
            throw new InvalidDataException($"signature: {blockCount} blocks need {(long)blockCount * blockEntryLength} bytes, {reader.Remaining} follow the header");
        }

        var weak = new uint[blockCount];
        var strong = new byte[blockCount * strongLength];
        for (var i = 0; i < blockCount; i++)
        {
            weak[i] = reader.ReadUInt32LittleEndian("weak checksum");
            reader.ReadBytes(strongLength, "strong hash").CopyTo(strong.AsSpan(i * strongLength));
        }

        return new BlockSignature(blockSize, lastLength, weak, strong, strongLength, kind);
    }
}
