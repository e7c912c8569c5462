using System.Buffers.Binary;
using System.Security.Cryptography;

using KubeSync.Engine.Protocol;
using KubeSync.Testing;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// Whole frames encoded by hand (docs/protocol.md), so a test can send what the product's encoder would refuse
/// to produce: paths with <c>..</c>, absolute paths, ids of the wrong parity.
/// </summary>
internal static class HostileFrames
{
    /// <summary>Permission bits of the offered files (0644).</summary>
    public const int FileMode = 0b110_100_100;

    /// <summary>A frame header claiming <paramref name="length"/> (type byte included), without any payload.</summary>
    public static byte[] Header(uint length, MessageType type)
    {
        var header = new byte[ProtocolLimits.FrameHeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(header, length);
        header[4] = (byte)type;
        return header;
    }

    public static byte[] Frame(MessageType type, RawPayload payload) =>
        [.. Header((uint)payload.Bytes.Count + 1, type), .. payload.Bytes];

    public static byte[] Hello(string group, string node, byte[] nonce, int maxVersion = ProtocolVersions.Max) =>
        Frame(MessageType.Hello, new RawPayload().Varint(ProtocolVersions.Min).Varint((ulong)maxVersion).Text(group).Text(node).Blob(nonce));

    public static byte[] IndexRequest(ulong since) => Frame(MessageType.IndexRequest, new RawPayload().Varint(since));

    /// <summary>A ReadRequest (protocol version 2) for <paramref name="path"/> as raw text, so it may hold <c>..</c>.</summary>
    public static byte[] ReadRequest(ulong id, string path, long maxSize = 1 << 24) =>
        Frame(MessageType.ReadRequest, new RawPayload().Varint(id).Text(path).Varint((ulong)maxSize));

    public static byte[] Proof(byte[] hmac) => Frame(MessageType.Proof, new RawPayload().Blob(hmac));

    /// <summary>An Offer of a live regular file, inline when <paramref name="inline"/> is given.</summary>
    /// <param name="hash">The entry's content hash; by default the SHA-256 of <paramref name="content"/>.</param>
    public static byte[] Offer(ulong id, string path, string author, byte[] content, bool inline = true, byte[]? hash = null)
    {
        var payload = new RawPayload().Varint(id);
        Entry(payload, path, author, content.Length, hash ?? SHA256.HashData(content));
        payload.Bool(inline);
        if (inline)
        {
            payload.Blob(content);
        }

        return Frame(MessageType.Offer, payload);
    }

    /// <summary>A live file entry with version <c>{author: 1}</c> (docs/protocol.md "Entry").</summary>
    public static void Entry(RawPayload payload, string path, string author, long size, byte[] hash) => payload
        .Text(path)
        .Byte(1)
        .Varint((ulong)size)
        .Svarint(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000)
        .Varint(FileMode)
        .Varint(0)
        .Varint(0)
        .Text("")
        .Blob(hash)
        .Varint(1).Text(author).Varint(1)
        .Bool(false)
        .Varint(1);

    public static byte[] Ack(ulong id, string node) => Frame(MessageType.Ack, new RawPayload().Varint(id).Varint(1).Text(node).Varint(1));

    /// <summary>A DeltaChunk holding literal instructions only (docs/delta.md: tag 2, varint length, bytes).</summary>
    public static byte[] LiteralChunk(ulong id, ReadOnlySpan<byte> content)
    {
        var chunk = new RawPayload();
        for (var offset = 0; offset < content.Length; offset += 65_536)
        {
            chunk.Byte(2).Blob(content.Slice(offset, Math.Min(65_536, content.Length - offset)));
        }

        return Frame(MessageType.DeltaChunk, new RawPayload().Varint(id).Blob([.. chunk.Bytes]));
    }

    public static byte[] DeltaEnd(ulong id, long length, byte[] sha256) =>
        Frame(MessageType.DeltaEnd, new RawPayload().Varint(id).Varint((ulong)length).Blob(sha256));
}
