namespace KubeSync.Engine.Delta;

/// <summary>What a <see cref="DeltaInstruction"/> tells the receiver to do. The values are the wire tags.</summary>
public enum DeltaInstructionKind : byte
{
    /// <summary>Not an instruction (the default value); always rejected.</summary>
    None = 0,

    /// <summary>Copy a run of consecutive blocks from the basis.</summary>
    Copy = 1,

    /// <summary>Write the carried bytes.</summary>
    Literal = 2,
}
