namespace KubeSync.Engine.Protocol;

/// <summary>
/// The sender is closing the connection, with the reason. <see cref="Error"/> null is an orderly close
/// (shutdown, idle); otherwise it says what the sender found wrong.
/// <code>u8 error (0 = none, else a ProtocolError value), string reason (0..1024 bytes)</code>
/// </summary>
public sealed record Goodbye(ProtocolError? Error, string Reason) : ProtocolMessage
{
    public override MessageType Type => MessageType.Goodbye;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteByte(Error is { } error ? (byte)error : (byte)0);
        writer.WriteString(Truncate(Reason), ProtocolLimits.MaxReasonBytes, "reason");
    }

    public static Goodbye Read(ref PayloadReader reader)
    {
        var code = reader.ReadByte("error");
        if (code != 0 && !ProtocolErrorLabels.IsDefined(code))
        {
            throw reader.Malformed("error", $"unknown error code {code}");
        }

        var reason = reader.ReadString("reason", ProtocolLimits.MaxReasonBytes);
        return new Goodbye(code == 0 ? null : (ProtocolError)code, reason);
    }

    /// <summary>Cuts a reason to what fits, so that a long local message never makes the Goodbye itself fail.</summary>
    private static string Truncate(string reason)
    {
        // At most 3 UTF-8 bytes per UTF-16 char (a surrogate pair is 4 bytes for 2 chars); control characters
        // are replaced because the reader rejects them.
        var text = new string([.. reason.Select(c => char.IsControl(c) ? ' ' : c)]);
        var maxChars = ProtocolLimits.MaxReasonBytes / 3;
        if (text.Length <= maxChars)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return text[..cut];
    }
}
