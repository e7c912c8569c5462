namespace KubeSync.Engine.Protocol;

/// <summary>The metric label of each <see cref="ProtocolError"/> (snake case, stable).</summary>
public static class ProtocolErrorLabels
{
    /// <summary>The label of <paramref name="error"/>, or <c>unknown</c> for a value this build does not know.</summary>
    public static string ToLabel(this ProtocolError error) => error switch
    {
        ProtocolError.Truncated => "truncated",
        ProtocolError.OversizeFrame => "oversize_frame",
        ProtocolError.UnknownType => "unknown_type",
        ProtocolError.Malformed => "malformed",
        ProtocolError.UnexpectedMessage => "unexpected_message",
        ProtocolError.BadProof => "bad_proof",
        ProtocolError.WrongGroup => "wrong_group",
        ProtocolError.VersionMismatch => "version_mismatch",
        ProtocolError.SelfConnection => "self_connection",
        ProtocolError.Tls => "tls",
        ProtocolError.Closed => "closed",
        ProtocolError.BadContent => "bad_content",
        ProtocolError.UnsafePath => "unsafe_path",
        ProtocolError.Duplicate => "duplicate",
        ProtocolError.Timeout => "timeout",
        _ => "unknown",
    };

    /// <summary>Whether <paramref name="value"/> is a defined error (a Goodbye from a peer may carry anything).</summary>
    public static bool IsDefined(byte value) => value is >= (byte)ProtocolError.Truncated and <= (byte)ProtocolError.Timeout;
}
