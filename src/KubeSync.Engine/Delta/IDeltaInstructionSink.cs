namespace KubeSync.Engine.Delta;

/// <summary>
/// Receives the instructions of a delta in order: the applier (rebuilding a file), a chunk writer
/// (framing them for the network), or a test collecting them.
/// </summary>
public interface IDeltaInstructionSink
{
    /// <summary>Takes one instruction. A literal's data is valid only until this call returns.</summary>
    ValueTask WriteAsync(DeltaInstruction instruction, CancellationToken cancellationToken);
}
