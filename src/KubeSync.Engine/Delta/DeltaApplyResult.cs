namespace KubeSync.Engine.Delta;

/// <summary>What a delta application wrote.</summary>
/// <param name="Length">Bytes written to the output.</param>
/// <param name="CopiedBytes">Bytes copied from the basis.</param>
/// <param name="ContentHash">SHA-256 of the output; compare it with the sender's before renaming the file into place (empty when not asked for).</param>
public sealed record DeltaApplyResult(long Length, long CopiedBytes, byte[] ContentHash);
