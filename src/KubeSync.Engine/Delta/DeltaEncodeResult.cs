namespace KubeSync.Engine.Delta;

/// <summary>What a delta encoding produced.</summary>
/// <param name="Length">Length of the new content.</param>
/// <param name="LiteralBytes">Bytes sent as literals.</param>
/// <param name="CopiedBytes">Bytes the receiver copies from its basis (the saving, for <c>delta_saved_bytes</c>).</param>
/// <param name="ContentHash">SHA-256 of the whole new content, for the receiver to verify before the rename (empty when not asked for).</param>
public sealed record DeltaEncodeResult(long Length, long LiteralBytes, long CopiedBytes, byte[] ContentHash);
