using System.Buffers;
using System.Buffers.Binary;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// The one codec of the peer protocol: dispatches a frame's payload to the message type's reader and checks
/// that nothing follows the last field. Byte layouts: <c>docs/protocol.md</c>.
/// </summary>
public static class MessageCodec
{
    /// <summary>Whether <paramref name="type"/> is a message type this build understands.</summary>
    public static bool IsKnown(byte type) => Enum.IsDefined((MessageType)type);

    /// <summary>Appends <paramref name="message"/>'s payload (no frame header) to <paramref name="output"/>.</summary>
    public static void EncodePayload(ProtocolMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Write(new PayloadWriter(output));
    }

    /// <summary>A whole frame (header and payload) as a new array: for tests and tools, not the hot path.</summary>
    public static byte[] EncodeFrame(ProtocolMessage message)
    {
        var payload = new ArrayBufferWriter<byte>();
        EncodePayload(message, payload);
        var frame = new byte[ProtocolLimits.FrameHeaderLength + payload.WrittenCount];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(payload.WrittenCount + 1));
        frame[4] = (byte)message.Type;
        payload.WrittenSpan.CopyTo(frame.AsSpan(ProtocolLimits.FrameHeaderLength));
        return frame;
    }

    /// <summary>Parses a payload of type <paramref name="type"/> from untrusted bytes; every defect is a <see cref="ProtocolException"/>.</summary>
    public static ProtocolMessage Decode(MessageType type, ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        ProtocolMessage message = type switch
        {
            MessageType.Hello => Hello.Read(ref reader),
            MessageType.Proof => Proof.Read(ref reader),
            MessageType.Goodbye => Goodbye.Read(ref reader),
            MessageType.Ping => Ping.Read(ref reader),
            MessageType.Pong => Pong.Read(ref reader),
            MessageType.IndexRequest => IndexRequest.Read(ref reader),
            MessageType.IndexBatch => IndexBatch.Read(ref reader),
            MessageType.Want => Want.Read(ref reader),
            MessageType.ReadRequest => ReadRequest.Read(ref reader),
            MessageType.Offer => Offer.Read(ref reader),
            MessageType.Need => Need.Read(ref reader),
            MessageType.Have => Have.Read(ref reader),
            MessageType.Conflict => Conflict.Read(ref reader),
            MessageType.Refuse => Refuse.Read(ref reader),
            MessageType.DeltaChunk => DeltaChunk.Read(ref reader),
            MessageType.DeltaEnd => DeltaEnd.Read(ref reader),
            MessageType.Ack => Ack.Read(ref reader),
            MessageType.AckAt => Ack.ReadAt(ref reader),
            MessageType.ReadReply => ReadReply.Read(ref reader),
            MessageType.ReadChunk => ReadChunk.Read(ref reader),
            _ => throw new ProtocolException(ProtocolError.UnknownType, $"unknown message type {(byte)type}"),
        };
        reader.EnsureEnd(type.ToString());
        return message;
    }
}
