namespace KubeSync.Contracts.Configuration;

/// <summary><c>groups[].role</c>.</summary>
public enum MemberRole
{
    SendReceive,

    /// <summary>Never sends local changes (csync2's slave hosts, Syncthing's receive-only folders).</summary>
    ReceiveOnly,
}
