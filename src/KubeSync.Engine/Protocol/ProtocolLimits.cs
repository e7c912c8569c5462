using KubeSync.Engine.Delta;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Security;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// Hard limits of the peer protocol. Every length read from a peer is checked against them before anything
/// is allocated, so a hostile peer can cost at most one frame of memory per connection.
/// </summary>
public static class ProtocolLimits
{
    /// <summary>Length of the frame header: u32 length + u8 type.</summary>
    public const int FrameHeaderLength = 5;

    /// <summary>Default largest frame (the value of the length prefix, which counts the type byte and the payload).</summary>
    public const int DefaultMaxFrameLength = 1024 * 1024;

    /// <summary>
    /// Smallest frame limit that may be configured: it must hold the largest DeltaChunk
    /// (<see cref="DeltaLimits.MaxChunkLength"/>) and the largest Offer (an entry plus inline data).
    /// </summary>
    public const int MinMaxFrameLength = 320 * 1024;

    /// <summary>Largest frame limit that may be configured.</summary>
    public const int MaxMaxFrameLength = 16 * 1024 * 1024;

    /// <summary>Largest file content carried inline in an Offer (DESIGN 3.5).</summary>
    public const int MaxInlineData = 64 * 1024;

    /// <summary>Most entries in one IndexBatch.</summary>
    public const int MaxIndexBatchEntries = 16 * 1024;

    /// <summary>Most (node, counter) pairs in a version vector on the wire.</summary>
    public const int MaxVersionVectorEntries = 256;

    /// <summary>Longest node id or group name in UTF-8 bytes.</summary>
    public const int MaxNameBytes = HandshakeProof.MaxNodeIdBytes;

    /// <summary>Longest symlink target in UTF-8 bytes (Linux PATH_MAX less the NUL).</summary>
    public const int MaxLinkTargetBytes = SyncPath.MaxBytes;

    /// <summary>Longest human-readable reason (Refuse, Goodbye) in UTF-8 bytes.</summary>
    public const int MaxReasonBytes = 1024;

    /// <summary>Length of a content hash (SHA-256) and of a handshake proof (HMAC-SHA256).</summary>
    public const int HashLength = 32;

    /// <summary>Checks a configured frame limit; throws <see cref="ArgumentOutOfRangeException"/> when it is outside the allowed range.</summary>
    public static int ValidateMaxFrameLength(int maxFrameLength, string parameterName)
    {
        if (maxFrameLength is < MinMaxFrameLength or > MaxMaxFrameLength)
        {
            throw new ArgumentOutOfRangeException(parameterName, maxFrameLength, $"the frame limit must be {MinMaxFrameLength}..{MaxMaxFrameLength} bytes");
        }

        return maxFrameLength;
    }

    /// <summary>
    /// Most blocks a block signature may have to fit in a Need frame under <paramref name="maxFrameLength"/>;
    /// pass it to <c>SignatureBuilder.BuildAsync</c> and <c>SignatureCodec.Decode</c>.
    /// </summary>
    public static int MaxSignatureBlocks(int maxFrameLength) =>
        Math.Min(DeltaLimits.MaxBlockCount, (maxFrameLength - 64) / (4 + DeltaLimits.StrongHashLength));
}
