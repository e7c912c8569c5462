namespace KubeSync.Engine.Protocol;

/// <summary>The type byte of a frame. Values are part of the wire format: never renumber.</summary>
public enum MessageType : byte
{
    Hello = 1,
    Proof = 2,
    Goodbye = 3,
    Ping = 4,
    Pong = 5,
    IndexRequest = 16,
    IndexBatch = 17,
    Want = 18,

    /// <summary>Protocol version 2.</summary>
    ReadRequest = 19,
    Offer = 32,
    Need = 33,
    Have = 34,
    Conflict = 35,
    Refuse = 36,
    DeltaChunk = 37,
    DeltaEnd = 38,
    Ack = 39,

    /// <summary>Protocol version 2.</summary>
    ReadReply = 40,

    /// <summary>Protocol version 2.</summary>
    ReadChunk = 41,

    /// <summary>Protocol version 4: an Ack that carries the receiver's seq for the recorded row.</summary>
    AckAt = 42,
}
