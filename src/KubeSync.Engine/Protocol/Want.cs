using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// Pull: the sender of this message saw the path in the peer's index and needs the peer's version. The peer owes
/// it the path from now on (its push offers it like any other change) or answers <see cref="Refuse"/> quoting
/// <see cref="RequestId"/> when it cannot.
/// <code>varint request id, path</code></summary>
public sealed record Want(ulong RequestId, SyncPath Path) : ProtocolMessage
{
    public override MessageType Type => MessageType.Want;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteVarint(RequestId);
        writer.WriteString(Path.Value, SyncPath.MaxBytes, "path");
    }

    public static Want Read(ref PayloadReader reader) => new(reader.ReadVarint("request id"), reader.ReadPath("path"));
}
