using System.Security.Cryptography;

using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

public sealed class DeltaRoundTripTests
{
    private static readonly TimeSpan Timeout = DeltaRoundTrip.Timeout;

    [Fact]
    public async Task RoundTrip_RandomFilesWithRandomEdits_RebuildsTargetExactly()
    {
        var random = new Random(20261121);
        var (total, copied) = (0L, 0L);
        for (var run = 0; run < 250; run++)
        {
            var basisLength = random.Next(4) switch
            {
                0 => random.Next(0, 100),
                1 => random.Next(0, 3000),
                2 => random.Next(0, 40_000),
                _ => random.Next(0, 300_000),
            };
            var basis = RandomEdits.Bytes(random, basisLength);
            var target = RandomEdits.Apply(random, basis);
            int? blockSize = random.Next(3) == 0 ? null : random.Next(DeltaLimits.MinBlockSize, 2048);

            var result = await DeltaRoundTrip.RunAsync(basis, target, blockSize).WaitAsync(Timeout);

            AssertRebuilt(target, result, $"run {run}: basis {basisLength} bytes, block size {blockSize?.ToString() ?? "auto"}");
            (total, copied) = (total + target.Length, copied + result.Encoded.CopiedBytes);
        }

        // The edits are small against the files: most content must travel as copies, or matching is broken.
        Assert.True(copied > total * 0.6, $"copied {copied} of {total} bytes");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 5000)]
    [InlineData(5000, 0)]
    [InlineData(1, 1)]
    [InlineData(100, 100)]
    [InlineData(703, 703)]
    [InlineData(704, 704)]
    [InlineData(705, 705)]
    [InlineData(200_000, 200_000)]
    public async Task RoundTrip_EdgeLengths_RebuildsTargetExactly(int basisLength, int targetLength)
    {
        var random = new Random(basisLength + targetLength);
        var basis = RandomEdits.Bytes(random, basisLength);
        var target = targetLength == basisLength ? basis : RandomEdits.Bytes(random, targetLength);

        var result = await DeltaRoundTrip.RunAsync(basis, target).WaitAsync(Timeout);

        AssertRebuilt(target, result, $"{basisLength} → {targetLength}");
        if (basis == target)
        {
            Assert.Equal(0, result.Encoded.LiteralBytes);
        }
    }

    [Fact]
    public async Task Encode_IdenticalTenMegabyteFiles_IsOneCopyRun()
    {
        var content = RandomEdits.Bytes(new Random(10), 10 * 1024 * 1024);

        var result = await DeltaRoundTrip.RunAsync(content, content).WaitAsync(Timeout);

        AssertRebuilt(content, result, "identical 10 MiB");
        Assert.Equal(0, result.Encoded.LiteralBytes);
        Assert.Equal(content.Length, result.Encoded.CopiedBytes);
        var copy = Assert.Single(result.Instructions);
        Assert.Equal(DeltaInstruction.Copy(0, result.Signature.BlockCount), copy);
    }

    [Fact]
    public async Task Encode_SmallChangeInLargeFile_SendsLittleMoreThanTheChange()
    {
        var random = new Random(7);
        var basis = RandomEdits.Bytes(random, 4 * 1024 * 1024);
        var target = (byte[])basis.Clone();
        RandomEdits.Bytes(random, 1000).CopyTo(target, 2_000_000);

        var result = await DeltaRoundTrip.RunAsync(basis, target).WaitAsync(Timeout);

        AssertRebuilt(target, result, "1000 bytes changed in 4 MiB");
        Assert.InRange(result.Encoded.LiteralBytes, 1000, 1000 + (2 * result.Signature.BlockSize));
    }

    [Fact]
    public async Task Encode_InsertionShiftsContent_StillCopiesTheRest()
    {
        var random = new Random(8);
        var basis = RandomEdits.Bytes(random, 500_000);
        var target = basis[..1234].Concat(RandomEdits.Bytes(random, 77)).Concat(basis[1234..]).ToArray();

        var result = await DeltaRoundTrip.RunAsync(basis, target).WaitAsync(Timeout);

        AssertRebuilt(target, result, "77 bytes inserted");
        Assert.True(result.Encoded.CopiedBytes >= basis.Length - result.Signature.BlockSize, $"copied only {result.Encoded.CopiedBytes}");
    }

    [Fact]
    public async Task Encode_AllLiteralContent_CutsLiteralsAtTheLimit()
    {
        var target = RandomEdits.Bytes(new Random(9), (3 * DeltaLimits.MaxLiteralLength) + 17);

        var result = await DeltaRoundTrip.RunAsync([], target).WaitAsync(Timeout);

        AssertRebuilt(target, result, "empty basis");
        Assert.All(result.Instructions, i => Assert.Equal(DeltaInstructionKind.Literal, i.Kind));
        Assert.Equal([DeltaLimits.MaxLiteralLength, DeltaLimits.MaxLiteralLength, DeltaLimits.MaxLiteralLength, 17], result.Instructions.Select(i => i.Data.Length));
    }

    [Fact]
    public async Task Encode_EmptyBasis_ShortReadsAndAnExactMultipleOfTheLiteralLimit_AllLiteralAndHashed()
    {
        var target = RandomEdits.Bytes(new Random(10), 2 * DeltaLimits.MaxLiteralLength);

        var result = await DeltaRoundTrip.RunAsync([], target, source: new NonSeekableReadStream(target, maxReadLength: 1000)).WaitAsync(Timeout);

        AssertRebuilt(target, result, "empty basis, short reads");
        Assert.Equal([DeltaLimits.MaxLiteralLength, DeltaLimits.MaxLiteralLength], result.Instructions.Select(i => i.Data.Length));
        Assert.Equal(target.Length, result.Encoded.LiteralBytes);
        Assert.Equal(SHA256.HashData(target), result.Encoded.ContentHash);
    }

    [Fact]
    public async Task RoundTrip_ShortStrongHashes_RandomEdits_RebuildTargetWithTheSameCopies()
    {
        var random = new Random(12);
        var basis = RandomEdits.Bytes(random, 400_000);
        var target = RandomEdits.Apply(random, basis, maxEdits: 8);

        var full = await DeltaRoundTrip.RunAsync(basis, target).WaitAsync(Timeout);
        var shortened = await DeltaRoundTrip.RunAsync(basis, target, strongLength: DeltaLimits.ShortStrongHashLength).WaitAsync(Timeout);

        AssertRebuilt(target, shortened, "8-byte strong hashes");
        Assert.Equal(DeltaLimits.ShortStrongHashLength, shortened.Signature.StrongLength);
        Assert.Equal(full.Encoded.CopiedBytes, shortened.Encoded.CopiedBytes);
    }

    [Fact]
    public async Task RoundTrip_Xxh3StrongHashes_RandomEdits_RebuildTargetWithTheSameCopies()
    {
        var random = new Random(2026_12_07);
        for (var run = 0; run < 40; run++)
        {
            var basis = RandomEdits.Bytes(random, random.Next(0, 300_000));
            var target = RandomEdits.Apply(random, basis);
            int? blockSize = random.Next(2) == 0 ? null : random.Next(DeltaLimits.MinBlockSize, 2048);

            var murmur = await DeltaRoundTrip.RunAsync(basis, target, blockSize).WaitAsync(Timeout);
            var xxh3 = await DeltaRoundTrip.RunAsync(basis, target, blockSize, kind: BlockHashKind.Xxh3).WaitAsync(Timeout);

            AssertRebuilt(target, xxh3, $"run {run}: XXH3 block hashes, block size {blockSize?.ToString() ?? "auto"}");
            Assert.Equal(BlockHashKind.Xxh3, xxh3.Signature.Kind); // it survived the wire
            Assert.Equal(DeltaLimits.ShortStrongHashLength, xxh3.Signature.StrongLength);
            Assert.Equal(murmur.Encoded.CopiedBytes, xxh3.Encoded.CopiedBytes);
        }
    }

    [Fact]
    public async Task Encode_NonSeekableSourceWithShortReads_RebuildsTarget()
    {
        var random = new Random(11);
        var basis = RandomEdits.Bytes(random, 150_000);
        var target = RandomEdits.Apply(random, basis, maxEdits: 10);

        var result = await DeltaRoundTrip.RunAsync(basis, target, source: new NonSeekableReadStream(target, maxReadLength: 777)).WaitAsync(Timeout);

        AssertRebuilt(target, result, "non-seekable source");
    }

    [Fact]
    public async Task Encode_LongGeneratedStream_AllocatesIndependentlyOfItsLength()
    {
        var pattern = RandomEdits.Bytes(new Random(15), 1 << 20);
        var signature = await SignatureBuilder.BuildAsync(new MemoryStream(pattern), CancellationToken.None).WaitAsync(Timeout);
        const long length = 32L << 20;
        var sink = new CountingSink();

        // Everything completes synchronously on this thread, so its allocation counter sees all of it.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = await DeltaEncoder.EncodeAsync(new PeriodicReadStream(pattern, length), signature, sink, CancellationToken.None).WaitAsync(Timeout);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(length, result.Length);
        Assert.Equal(sink.LiteralBytes, result.LiteralBytes);
        Assert.InRange(result.LiteralBytes, 32, 32 * 2 * signature.BlockSize);
        Assert.True(allocated < 1 << 20, $"encoding {length} bytes allocated {allocated} bytes");
    }

    [Fact]
    public async Task Encode_RepeatedBlocks_ReusesBasisBlocks()
    {
        var block = RandomEdits.Bytes(new Random(12), 1024);
        var basis = Enumerable.Repeat(block, 8).SelectMany(b => b).ToArray();
        var target = Enumerable.Repeat(block, 20).SelectMany(b => b).ToArray();

        var result = await DeltaRoundTrip.RunAsync(basis, target, blockSize: 1024).WaitAsync(Timeout);

        AssertRebuilt(target, result, "repeated blocks");
        Assert.Equal(0, result.Encoded.LiteralBytes);
    }

    [Fact]
    public async Task Encode_HostileSignatureWithCollidingWeakSums_StaysCorrectAndBounded()
    {
        // Every block claims the weak sum of a zero window (0) with a different strong hash: each position of
        // a zero target hits the filter and the dictionary, and only the candidate cap keeps this linear.
        const int blocks = 100_000;
        var encoded = new List<byte> { SignatureCodec.Version, DeltaLimits.StrongHashLength, 0x40, 0xA0, 0x8D, 0x06, 0x40 };
        var random = new Random(14);
        for (var i = 0; i < blocks; i++)
        {
            encoded.AddRange(new byte[4]);
            encoded.AddRange(RandomEdits.Bytes(random, DeltaLimits.StrongHashLength));
        }

        var signature = SignatureCodec.Decode([.. encoded]);
        var target = new byte[128 * 1024];
        var sink = new CollectingSink();

        var result = await DeltaEncoder.EncodeAsync(new MemoryStream(target), signature, sink, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(blocks, signature.BlockCount);
        Assert.Equal(target.Length, result.LiteralBytes);
        Assert.Equal(target, sink.Instructions.SelectMany(i => i.Data.ToArray()));
    }

    [Fact]
    public async Task Apply_BasisFromFileHandle_RebuildsTarget()
    {
        var random = new Random(13);
        var basis = RandomEdits.Bytes(random, 90_000);
        var target = RandomEdits.Apply(random, basis);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, basis).WaitAsync(Timeout);
            using var handle = File.OpenHandle(path);
            var signature = await SignatureBuilder.BuildAsync(new MemoryStream(basis), CancellationToken.None).WaitAsync(Timeout);
            using var output = new MemoryStream();
            using var applier = new DeltaApplier(signature, handle, output, target.Length);

            var encoded = await DeltaEncoder.EncodeAsync(new MemoryStream(target), signature, applier, CancellationToken.None).WaitAsync(Timeout);
            var applied = await applier.CompleteAsync(CancellationToken.None).WaitAsync(Timeout);

            Assert.Equal(target, output.ToArray());
            Assert.Equal(encoded.ContentHash, applied.ContentHash);
            Assert.Equal(encoded.CopiedBytes, applied.CopiedBytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertRebuilt(byte[] target, DeltaRoundTripResult result, string what)
    {
        Assert.True(target.AsSpan().SequenceEqual(result.Output), $"{what}: output differs from target");
        var expectedHash = SHA256.HashData(target);
        Assert.Equal(expectedHash, result.Encoded.ContentHash);
        Assert.Equal(expectedHash, result.Applied.ContentHash);
        Assert.Equal(target.Length, result.Encoded.Length);
        Assert.Equal(target.Length, result.Encoded.LiteralBytes + result.Encoded.CopiedBytes);
        Assert.Equal(result.Encoded.CopiedBytes, result.Applied.CopiedBytes);
        Assert.All(result.Instructions, i => Assert.InRange(i.Data.Length, 0, DeltaLimits.MaxLiteralLength));
        AssertCopyRunsAreMaximal(result.Instructions, what);
    }

    private static void AssertCopyRunsAreMaximal(IReadOnlyList<DeltaInstruction> instructions, string what)
    {
        for (var i = 1; i < instructions.Count; i++)
        {
            var (previous, current) = (instructions[i - 1], instructions[i]);
            var continues = previous.Kind == DeltaInstructionKind.Copy && current.Kind == DeltaInstructionKind.Copy
                && current.FirstBlock == previous.FirstBlock + previous.BlockCount;
            Assert.False(continues, $"{what}: copy runs {previous} and {current} were not merged");
        }
    }
}
