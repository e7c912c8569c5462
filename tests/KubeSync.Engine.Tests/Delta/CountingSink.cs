using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

/// <summary>Counts instructions and bytes without keeping anything.</summary>
internal sealed class CountingSink : IDeltaInstructionSink
{
    public long Instructions { get; private set; }

    public long LiteralBytes { get; private set; }

    public ValueTask WriteAsync(DeltaInstruction instruction, CancellationToken cancellationToken)
    {
        Instructions++;
        LiteralBytes += instruction.Data.Length;
        return ValueTask.CompletedTask;
    }
}
