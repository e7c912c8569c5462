using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

/// <summary>
/// Runs the whole path a transfer takes: signature of the basis → wire → encoder over the new content →
/// instruction chunks on the wire → applier writing the output.
/// </summary>
internal static class DeltaRoundTrip
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<DeltaRoundTripResult> RunAsync(
        byte[] basis, byte[] target, int? blockSize = null, Stream? source = null, int strongLength = DeltaLimits.StrongHashLength, BlockHashKind kind = BlockHashKind.Murmur3)
    {
        using var basisStream = new MemoryStream(basis, writable: false);
        var built = await SignatureBuilder.BuildAsync(basisStream, blockSize ?? SignatureBuilder.ChooseBlockSize(basis.Length), DeltaLimits.MaxBlockCount, kind, CancellationToken.None).WaitAsync(Timeout);
        strongLength = Math.Min(strongLength, built.StrongLength);
        var signature = SignatureCodec.Decode(SignatureCodec.Encode(built, strongLength));

        var chunks = new List<byte[]>();
        using var writer = new DeltaChunkWriter((chunk, _) =>
        {
            chunks.Add(chunk.ToArray());
            return ValueTask.CompletedTask;
        });
        var encoded = await DeltaEncoder.EncodeAsync(source ?? new MemoryStream(target, writable: false), signature, writer, CancellationToken.None).WaitAsync(Timeout);
        await writer.FlushAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);

        var instructions = new List<DeltaInstruction>();
        using var output = new MemoryStream();
        basisStream.Position = 0;
        using var applier = new DeltaApplier(signature, basisStream, output, target.Length);
        foreach (var chunk in chunks)
        {
            Assert.InRange(chunk.Length, 1, DeltaLimits.MaxChunkLength);
            instructions.AddRange(DeltaInstructionCodec.DecodeChunk(chunk));
            await applier.ApplyChunkAsync(chunk, CancellationToken.None).AsTask().WaitAsync(Timeout);
        }

        var applied = await applier.CompleteAsync(CancellationToken.None).WaitAsync(Timeout);
        return new DeltaRoundTripResult(output.ToArray(), signature, encoded, applied, instructions, chunks.Count);
    }
}
