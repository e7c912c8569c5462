using System.Text;

using KubeSync.Engine.Security;

namespace KubeSync.Engine.Protocol;

/// <summary>Who this member is and what it accepts in a handshake.</summary>
/// <param name="Group">The group name; a peer of another group is refused.</param>
/// <param name="NodeId">This member's node id (1..253 UTF-8 bytes).</param>
/// <param name="GroupKey">The group key (<see cref="Security.GroupKey.Read"/>); it never travels.</param>
public sealed record HandshakeOptions(string Group, string NodeId, ReadOnlyMemory<byte> GroupKey)
{
    /// <summary>Oldest protocol version offered.</summary>
    public int MinVersion { get; init; } = ProtocolVersions.Min;

    /// <summary>Newest protocol version offered.</summary>
    public int MaxVersion { get; init; } = ProtocolVersions.Max;

    /// <summary>The frame limit of this connection, for both directions.</summary>
    public int MaxFrameLength { get; init; } = ProtocolLimits.DefaultMaxFrameLength;

    /// <summary>Checks the options; a bad value is a configuration bug (<see cref="ArgumentException"/>).</summary>
    public void Validate()
    {
        ValidateName(Group, nameof(Group));
        ValidateName(NodeId, nameof(NodeId));
        if (GroupKey.Length < HandshakeProof.MinKeyLength)
        {
            throw new ArgumentException($"the group key must be at least {HandshakeProof.MinKeyLength} bytes", nameof(GroupKey));
        }

        if (MinVersion < 1 || MaxVersion < MinVersion || MaxVersion > ushort.MaxValue)
        {
            throw new ArgumentException($"invalid protocol version range {MinVersion}..{MaxVersion}", nameof(MinVersion));
        }

        ProtocolLimits.ValidateMaxFrameLength(MaxFrameLength, nameof(MaxFrameLength));
    }

    private static void ValidateName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || Encoding.UTF8.GetByteCount(name) > ProtocolLimits.MaxNameBytes || name.Any(char.IsControl))
        {
            throw new ArgumentException($"{what} '{name}' must be 1..{ProtocolLimits.MaxNameBytes} UTF-8 bytes without control characters", what);
        }
    }
}
