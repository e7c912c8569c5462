using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Protocol;

/// <summary>Hostile index entries, carried in an Offer: each must be rejected as malformed while parsing.</summary>
public sealed class WireEntryTests
{
    [Fact]
    public void Read_ValidRawEntry_ParsesAllFields()
    {
        var offer = Decode(OfferWithEntry());

        Assert.Equal(SyncPath.Parse("a/b"), offer.Entry.Path);
        Assert.Equal(EntryType.File, offer.Entry.Type);
        Assert.Equal(3, offer.Entry.Size);
        Assert.Equal(-1, offer.Entry.MtimeNs);
        Assert.Equal(0x1A4, offer.Entry.Mode);
        Assert.Equal("web-0:1", offer.Entry.Version.ToString());
        Assert.Equal(5, offer.Entry.Seq);
        Assert.Null(offer.InlineData);
    }

    public static TheoryData<byte[]> HostilePaths => new()
    {
        ProtocolTestData.Utf8("../x"),
        ProtocolTestData.Utf8("a/../../x"),
        ProtocolTestData.Utf8("/etc/passwd"),
        ProtocolTestData.Utf8("a//b"),
        ProtocolTestData.Utf8("a/./b"),
        ProtocolTestData.Utf8("a/"),
        ProtocolTestData.Utf8(""),
        ProtocolTestData.Utf8("a\0b"),
        ProtocolTestData.Utf8("a\nb"),
        new byte[] { 0x61, 0xFF, 0x62 },
        new byte[] { 0x61, 0xC0, 0xAF },
        ProtocolTestData.Utf8("a/" + new string('x', 300)),
        ProtocolTestData.Utf8(string.Join('/', Enumerable.Repeat(new string('x', 200), 21))),
    };

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public void Read_HostilePath_IsMalformed(byte[] path) =>
        AssertMalformed(OfferWithEntry(path: path));

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    public void Read_HashNot32Bytes_IsMalformed(int length) =>
        AssertMalformed(OfferWithEntry(hash: new byte[length]));

    [Fact]
    public void Read_HashOnDirectory_IsMalformed() =>
        AssertMalformed(OfferWithEntry(type: (byte)EntryType.Directory, size: 0));

    [Fact]
    public void Read_VersionVectorWith10000Entries_IsMalformed()
    {
        var payload = OfferWithEntry(vector: p =>
        {
            p.Varint(10_000);
            for (var i = 0; i < 10_000; i++)
            {
                p.Text($"node-{i:D5}").Varint(1);
            }
        });

        AssertMalformed(payload);
    }

    public static TheoryData<string> HostileVectors => ["zero counter", "duplicate node", "unsorted", "empty node", "long node", "control node", "counter overflow"];

    [Theory]
    [MemberData(nameof(HostileVectors))]
    public void Read_HostileVersionVector_IsMalformed(string kind)
    {
        Action<RawPayload> vector = kind switch
        {
            "zero counter" => p => p.Varint(1).Text("a").Varint(0),
            "duplicate node" => p => p.Varint(2).Text("a").Varint(1).Text("a").Varint(2),
            "unsorted" => p => p.Varint(2).Text("b").Varint(1).Text("a").Varint(2),
            "empty node" => p => p.Varint(1).Text("").Varint(1),
            "long node" => p => p.Varint(1).Text(new string('n', 254)).Varint(1),
            "control node" => p => p.Varint(1).Text("a\u0001").Varint(1),
            _ => p => Enumerable.Repeat((byte)0xFF, 9).Aggregate(p.Varint(1).Text("a"), (raw, b) => raw.Byte(b)).Byte(0x02),
        };

        AssertMalformed(OfferWithEntry(vector: vector));
    }

    [Fact]
    public void Read_SizeAboveInt64Max_IsMalformed() =>
        AssertMalformed(OfferWithEntry(size: (ulong)long.MaxValue + 1));

    [Fact]
    public void Read_SeqAboveInt64Max_IsMalformed() =>
        AssertMalformed(OfferWithEntry(seq: ulong.MaxValue));

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(255)]
    public void Read_UnsyncedEntryType_IsMalformed(byte type) =>
        AssertMalformed(OfferWithEntry(type: type, hash: []));

    [Fact]
    public void Read_DeletedFlagNotBoolean_IsMalformed() =>
        AssertMalformed(OfferWithEntry(deleted: 2));

    [Fact]
    public void Read_LinkTargetOnRegularFile_IsMalformed() =>
        AssertMalformed(OfferWithEntry(linkTarget: ProtocolTestData.Utf8("/etc/passwd")));

    [Fact]
    public void Read_LinkTargetWithNul_IsMalformed() =>
        AssertMalformed(OfferWithEntry(type: (byte)EntryType.Symlink, size: 0, hash: [], linkTarget: ProtocolTestData.Utf8("a\0b")));

    [Fact]
    public void Read_SymlinkOutsideRoot_ParsesTargetAsTextOnly()
    {
        var offer = Decode(OfferWithEntry(type: (byte)EntryType.Symlink, size: 0, hash: [], linkTarget: ProtocolTestData.Utf8("../../etc")));

        Assert.Equal("../../etc", offer.Entry.LinkTarget);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Read_InlineDataNotMatchingSize_IsMalformed(int length) =>
        AssertMalformed(OfferWithEntry(inline: new byte[length]));

    [Fact]
    public void Read_InlineDataAbove64KiB_IsMalformed() =>
        AssertMalformed(OfferWithEntry(size: ProtocolLimits.MaxInlineData + 1, inline: new byte[ProtocolLimits.MaxInlineData + 1]));

    [Fact]
    public void Read_InlineDataMatchingSize_KeepsData()
    {
        var offer = Decode(OfferWithEntry(hash: System.Security.Cryptography.SHA256.HashData([1, 2, 3]), inline: [1, 2, 3]));

        Assert.Equal([1, 2, 3], offer.InlineData!.Value.ToArray());
    }

    [Fact]
    public void Read_IndexBatchCountAboveLimit_IsMalformed()
    {
        var payload = ProtocolTestData.Raw(p => p.Varint(ProtocolLimits.MaxIndexBatchEntries + 1));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.IndexBatch, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void Read_IndexBatchClaimingManyEntriesWithoutBytes_IsTruncated()
    {
        var payload = ProtocolTestData.Raw(p => p.Varint(ProtocolLimits.MaxIndexBatchEntries));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.IndexBatch, payload));

        Assert.Equal(ProtocolError.Truncated, error.Error);
    }

    [Fact]
    public void Write_UnsyncedType_Throws()
    {
        var entry = new ProtocolTestData(3).Entry() with { Type = EntryType.Other };

        Assert.Throws<InvalidOperationException>(() => MessageCodec.EncodeFrame(new Offer(1, entry, null)));
    }

    [Fact]
    public void Write_NegativeSize_Throws()
    {
        var entry = new ProtocolTestData(3).Entry() with { Size = -1 };

        Assert.Throws<ArgumentOutOfRangeException>(() => MessageCodec.EncodeFrame(new Offer(1, entry, null)));
    }

    [Fact]
    public void FromRecord_FileRecord_CopiesSyncedFields()
    {
        var record = new FileRecord(SyncPath.Parse("etc/app.conf"), EntryType.File, 10, 123, 0x1A4, 1, 2, 99, null, new byte[32],
            VersionVector.Parse("a:1,b:2"), 7, Deleted: false, Racy: true);

        var entry = WireEntry.FromRecord(record);

        Assert.Equal("etc/app.conf", entry.Path.Value);
        Assert.Equal(10, entry.Size);
        Assert.Equal(123, entry.MtimeNs);
        Assert.Equal(VersionVector.Parse("a:1,b:2"), entry.Version);
        Assert.Equal(7, entry.Seq);
    }

    private static Offer Decode(byte[] payload) => (Offer)MessageCodec.Decode(MessageType.Offer, payload);

    private static void AssertMalformed(byte[] payload)
    {
        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.Offer, payload));
        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    private static byte[] OfferWithEntry(
        byte[]? path = null, byte type = (byte)EntryType.File, ulong size = 3, byte[]? linkTarget = null, byte[]? hash = null,
        Action<RawPayload>? vector = null, byte deleted = 0, ulong seq = 5, byte[]? inline = null) =>
        ProtocolTestData.Raw(p =>
        {
            p.Varint(42).Blob(path ?? ProtocolTestData.Utf8("a/b")).Byte(type).Varint(size).Varint(1).Varint(0x1A4).Varint(1000).Varint(1000);
            p.Blob(linkTarget ?? []).Blob(hash ?? new byte[32]);
            (vector ?? (v => v.Varint(1).Text("web-0").Varint(1)))(p);
            p.Byte(deleted).Varint(seq);
            if (inline is null)
            {
                p.Byte(0);
            }
            else
            {
                p.Byte(1).Blob(inline);
            }
        });
}
