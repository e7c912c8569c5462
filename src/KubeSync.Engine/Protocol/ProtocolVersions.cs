namespace KubeSync.Engine.Protocol;

/// <summary>The protocol versions this build speaks. The handshake picks the highest version both ends speak.</summary>
public static class ProtocolVersions
{
    /// <summary>Oldest version this build still speaks.</summary>
    public const int Min = 1;

    /// <summary>Newest version this build speaks.</summary>
    public const int Max = 7;

    /// <summary>
    /// The version that added Read, ReadReply and ReadChunk (observers: <c>kubesync compare</c> and <c>diff</c>) and the
    /// ready flag of IndexBatch. A member sends none of them on a connection that negotiated version 1.
    /// </summary>
    public const int Observers = 2;

    /// <summary>First version whose members send signatures with 8-byte strong hashes (<see cref="Delta.DeltaLimits.ShortStrongHashLength"/>).</summary>
    public const int ShortSignatures = 3;

    /// <summary>
    /// First version whose Ack of an applied offer carries the receiver's <c>seq</c> for the row, so the offerer can
    /// count the pushed rows as read from the receiver's index (<see cref="Ack.Seq"/>).
    /// </summary>
    public const int AckSeq = 4;

    /// <summary>
    /// First version whose IndexBatches flag the entries the sender owes the requester and pushes on its own
    /// (<see cref="IndexBatch.Pushed"/>): the requester waits for their offers instead of sending a Want for each.
    /// </summary>
    public const int PushedEntries = 5;

    /// <summary>
    /// First version whose members sign with XXH3-64 block hashes (signature format 2, <see cref="Delta.BlockHashKind.Xxh3"/>):
    /// the offerer's delta search hashes its windows with whatever kind the Need's signature names.
    /// </summary>
    public const int FastBlockHash = 6;

    /// <summary>
    /// First version whose offers of large files may leave the content hash out (<see cref="WireEntry.Hash"/> null): the
    /// offerer hashes the file while it encodes the delta, and the DeltaEnd carries the hash, which the receiver checks
    /// what it rebuilt against and records. A member offers that way only on a version 7 connection.
    /// </summary>
    public const int HashFollows = 7;
}
