using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// Protocol version 2: asks the peer for its copy of one path, to show it (<c>kubesync diff</c>), without taking
/// part in the group. The peer answers <see cref="ReadReply"/> with its entry, followed for a live file by
/// <see cref="ReadChunk"/>s holding exactly the entry's size, or <see cref="Refuse"/> quoting the id (a path it does
/// not know, excludes, or cannot read, or a file larger than <see cref="MaxSize"/>). Nothing is recorded or written.
/// <code>varint request id, path, varint63 max size</code></summary>
public sealed record ReadRequest(ulong RequestId, SyncPath Path, long MaxSize) : ProtocolMessage
{
    public override MessageType Type => MessageType.ReadRequest;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteVarint(RequestId);
        writer.WriteString(Path.Value, SyncPath.MaxBytes, "path");
        writer.WriteVarint(MaxSize, "max size");
    }

    public static ReadRequest Read(ref PayloadReader reader) => new(reader.ReadVarint("request id"), reader.ReadPath("path"), reader.ReadVarint63("max size"));
}
