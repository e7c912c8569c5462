namespace KubeSync.Engine.Protocol;

/// <summary>
/// A peer broke the protocol, failed the handshake, or closed the connection with a reason. The connection
/// is unusable afterwards: close it, log <see cref="Exception.Message"/> and count <see cref="Label"/>.
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException()
        : this(ProtocolError.Malformed, "protocol violation")
    {
    }

    public ProtocolException(string message)
        : this(ProtocolError.Malformed, message)
    {
    }

    public ProtocolException(string message, Exception innerException)
        : this(ProtocolError.Malformed, message, innerException)
    {
    }

    /// <param name="error">The reason, for metrics and for the Goodbye sent to the peer.</param>
    /// <param name="message">What happened, fit for a log line (untrusted text already made printable).</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    /// <param name="reportedByPeer">True when the peer sent this reason in a Goodbye (it detected the problem, not us).</param>
    public ProtocolException(ProtocolError error, string message, Exception? innerException = null, bool reportedByPeer = false)
        : base(message, innerException)
    {
        Error = error;
        ReportedByPeer = reportedByPeer;
    }

    /// <summary>Why the connection failed.</summary>
    public ProtocolError Error { get; }

    /// <summary>The metric label of <see cref="Error"/>.</summary>
    public string Label => Error.ToLabel();

    /// <summary>True when the peer detected the problem and told us in a Goodbye.</summary>
    public bool ReportedByPeer { get; }
}
