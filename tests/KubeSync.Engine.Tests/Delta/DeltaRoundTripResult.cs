using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

internal sealed record DeltaRoundTripResult(
    byte[] Output,
    BlockSignature Signature,
    DeltaEncodeResult Encoded,
    DeltaApplyResult Applied,
    IReadOnlyList<DeltaInstruction> Instructions,
    int ChunkCount);
