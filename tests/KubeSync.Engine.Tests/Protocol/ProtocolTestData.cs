using System.Text;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Protocol;

/// <summary>
/// Random but reproducible protocol values (seeded <see cref="Random"/>) for property-style tests;
/// <paramref name="maxBlob"/> bounds inline data, signatures and chunks.
/// </summary>
internal sealed class ProtocolTestData(int seed, int maxBlob = ProtocolLimits.MaxInlineData)
{
    private static readonly string[] Segments = ["etc", "nginx", "conf.d", "a b", "ünïcode", "日本", "x", ".hidden", "file.txt", "🙂"];

    private readonly Random _random = new(seed);

    public SyncPath Path()
    {
        var depth = _random.Next(1, 5);
        var segments = Enumerable.Range(0, depth).Select(_ => Segments[_random.Next(Segments.Length)]);
        return SyncPath.Parse(string.Join('/', segments));
    }

    public VersionVector Vector(int maxEntries = 5) =>
        VersionVector.From(Enumerable.Range(0, _random.Next(0, maxEntries + 1))
            .Select(i => new KeyValuePair<string, ulong>($"node-{_random.Next(1000)}", Counter())));

    public byte[] Hash() => Bytes(ProtocolLimits.HashLength);

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    public ulong Id() => _random.Next(4) switch
    {
        0 => 0,
        1 => ulong.MaxValue,
        _ => (ulong)_random.NextInt64(),
    };

    public WireEntry Entry()
    {
        var type = (EntryType)_random.Next(1, 4);
        var deleted = _random.Next(4) == 0;
        return new WireEntry(
            Path(),
            type,
            type == EntryType.File ? _random.NextInt64(0, long.MaxValue) : 0,
            _random.NextInt64(long.MinValue, long.MaxValue),
            _random.Next(0, 0xFFF),
            _random.Next(2) == 0 ? 0 : _random.Next(int.MinValue, int.MaxValue),
            _random.Next(2) == 0 ? 0 : _random.Next(int.MinValue, int.MaxValue),
            type == EntryType.Symlink ? (_random.Next(2) == 0 ? "../target" : "/abs/ü") : null,
            type == EntryType.File && !deleted ? Hash() : null,
            Vector(),
            deleted,
            _random.NextInt64(0, long.MaxValue));
    }

    public WireEntry SmallFile(out byte[] content)
    {
        content = Bytes(_random.Next(0, 3) == 0 ? 0 : _random.Next(1, maxBlob + 1));
        // The hash is the content's: a decoded Offer checks its inline data against it.
        return Entry() with { Type = EntryType.File, Size = content.Length, Deleted = false, Hash = System.Security.Cryptography.SHA256.HashData(content), LinkTarget = null };
    }

    /// <summary>One message of every type, with random contents.</summary>
    public IEnumerable<ProtocolMessage> OneOfEach()
    {
        yield return new Hello(1, _random.Next(1, 100), "group-" + _random.Next(100), "node-" + _random.Next(100), Bytes(_random.Next(16, 65)));
        yield return new Proof(Hash());
        yield return new Goodbye(_random.Next(2) == 0 ? null : (ProtocolError)_random.Next(1, 16), "reason ünïcode " + _random.Next());
        yield return new Ping(Id());
        yield return new Pong(Id());
        yield return new IndexRequest(_random.NextInt64(0, long.MaxValue));
        yield return new IndexBatch([.. Enumerable.Range(0, _random.Next(0, 20)).Select(_ => Entry())], _random.Next(2) == 0, _random.Next(2) == 0);
        var flagged = _random.Next(0, 20);
        yield return new IndexBatch([.. Enumerable.Range(0, flagged).Select(_ => Entry())], _random.Next(2) == 0, _random.Next(2) == 0, [.. Enumerable.Range(0, flagged).Select(_ => _random.Next(2) == 0)]);
        yield return new Want(Id(), Path());
        yield return new Offer(Id(), Entry(), null);
        yield return new Offer(Id(), SmallFile(out var content), content);
        yield return new Need(Id(), Bytes(_random.Next(0, Math.Min(maxBlob, 5000))));
        yield return new Have(Id());
        yield return new Conflict(Id(), Entry());
        yield return new Refuse(Id(), "receive-only member " + _random.Next());
        yield return new DeltaChunk(Id(), Bytes(_random.Next(0, Math.Min(maxBlob, 3000))));
        yield return new DeltaEnd(Id(), _random.NextInt64(0, long.MaxValue), Hash());
        yield return new Ack(Id(), Vector());
        yield return new Ack(Id(), Vector(), _random.NextInt64(1, long.MaxValue));
        yield return new ReadRequest(Id(), Path(), _random.NextInt64(0, long.MaxValue));
        yield return new ReadReply(Id(), Entry());
        yield return new ReadChunk(Id(), Bytes(_random.Next(1, Math.Min(maxBlob, 3000))));
    }

    private ulong Counter() => _random.Next(3) == 0 ? ulong.MaxValue - (ulong)_random.Next(10) : (ulong)_random.Next(1, 1000);

    /// <summary>The payload of <paramref name="message"/> (without frame header).</summary>
    public static byte[] Payload(ProtocolMessage message) => MessageCodec.EncodeFrame(message)[ProtocolLimits.FrameHeaderLength..];

    /// <summary>Builds a raw payload from primitives, for hostile inputs the writer refuses to produce.</summary>
    public static byte[] Raw(Action<RawPayload> build)
    {
        var raw = new RawPayload();
        build(raw);
        return [.. raw.Bytes];
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
