namespace KubeSync.Engine.Delta;

/// <summary>
/// One step of rebuilding the new content: copy <see cref="BlockCount"/> basis blocks starting at
/// <see cref="FirstBlock"/>, or write <see cref="Data"/>.
/// </summary>
/// <remarks>
/// A literal's <see cref="Data"/> may point into a buffer its producer reuses: it is valid only until the
/// <see cref="IDeltaInstructionSink.WriteAsync"/> call that received it returns. Copy it to keep it.
/// </remarks>
public readonly record struct DeltaInstruction
{
    private DeltaInstruction(DeltaInstructionKind kind, int firstBlock, int blockCount, ReadOnlyMemory<byte> data)
    {
        Kind = kind;
        FirstBlock = firstBlock;
        BlockCount = blockCount;
        Data = data;
    }

    public DeltaInstructionKind Kind { get; }

    /// <summary>First basis block of a copy.</summary>
    public int FirstBlock { get; }

    /// <summary>Number of consecutive basis blocks of a copy.</summary>
    public int BlockCount { get; }

    /// <summary>The bytes of a literal.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>A copy of <paramref name="blockCount"/> blocks starting at <paramref name="firstBlock"/>. Not validated here: the applier checks it against the signature.</summary>
    public static DeltaInstruction Copy(int firstBlock, int blockCount) => new(DeltaInstructionKind.Copy, firstBlock, blockCount, default);

    /// <summary>A literal carrying <paramref name="data"/>. Not validated here: the applier checks its length.</summary>
    public static DeltaInstruction Literal(ReadOnlyMemory<byte> data) => new(DeltaInstructionKind.Literal, 0, 0, data);

    public override string ToString() => Kind switch
    {
        DeltaInstructionKind.Copy => $"Copy({FirstBlock}, {BlockCount})",
        DeltaInstructionKind.Literal => $"Literal({Data.Length} bytes)",
        _ => $"{Kind}",
    };
}
