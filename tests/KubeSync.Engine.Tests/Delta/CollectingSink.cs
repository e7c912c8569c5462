using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

/// <summary>Keeps every instruction it receives, copying literal data (the producer reuses its buffer).</summary>
internal sealed class CollectingSink : IDeltaInstructionSink
{
    public List<DeltaInstruction> Instructions { get; } = [];

    public ValueTask WriteAsync(DeltaInstruction instruction, CancellationToken cancellationToken)
    {
        Instructions.Add(instruction.Kind == DeltaInstructionKind.Literal
            ? DeltaInstruction.Literal(instruction.Data.ToArray())
            : instruction);
        return ValueTask.CompletedTask;
    }
}
