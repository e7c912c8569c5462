namespace KubeSync.Engine.Protocol;

/// <summary>
/// Why a peer connection failed. Each value has a stable label (<see cref="ProtocolErrorLabels"/>) for the
/// <c>reason</c> label of <c>kubesync_protocol_errors_total</c>; the numeric values travel in Goodbye
/// messages: never renumber.
/// </summary>
public enum ProtocolError : byte
{
    /// <summary>The stream ended in the middle of a frame, or a payload ended in the middle of a field.</summary>
    Truncated = 1,

    /// <summary>A frame's length prefix exceeds the frame limit.</summary>
    OversizeFrame = 2,

    /// <summary>A frame's type byte is not a known message type.</summary>
    UnknownType = 3,

    /// <summary>A frame or payload violates the format (a zero length, a bad varint, a field out of range, trailing bytes, an invalid path).</summary>
    Malformed = 4,

    /// <summary>A well-formed message arrived where the protocol does not allow it.</summary>
    UnexpectedMessage = 5,

    /// <summary>The peer's handshake proof is wrong: it does not hold the group key.</summary>
    BadProof = 6,

    /// <summary>The peer belongs to another group.</summary>
    WrongGroup = 7,

    /// <summary>The two ends have no protocol version in common.</summary>
    VersionMismatch = 8,

    /// <summary>The peer has this member's own node id (a member dialled itself, or a duplicate id).</summary>
    SelfConnection = 9,

    /// <summary>TLS authentication failed (a certificate not issued by the group CA, no certificate, not TLS 1.3).</summary>
    Tls = 10,

    /// <summary>The peer closed the connection (end of stream between frames, or a Goodbye without an error).</summary>
    Closed = 11,

    /// <summary>Received content does not hash to what was offered, or a transfer's length or hash does not match its offer.</summary>
    BadContent = 12,

    /// <summary>An offered path or symlink would lead outside the sync root.</summary>
    UnsafePath = 13,

    /// <summary>A duplicate connection between the same two members; the other one is kept.</summary>
    Duplicate = 14,

    /// <summary>The peer did not finish the handshake in time (<c>timing.handshake</c>).</summary>
    Timeout = 15,
}
