namespace KubeSync.Engine.Security;

/// <summary>Which end of a connection a handshake proof comes from. The values are part of the proved bytes.</summary>
public enum HandshakeRole : byte
{
    /// <summary>The member that opened the connection.</summary>
    Initiator = 1,

    /// <summary>The member that accepted it.</summary>
    Responder = 2,
}
