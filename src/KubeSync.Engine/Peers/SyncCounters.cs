using System.Collections.Concurrent;

namespace KubeSync.Engine.Peers;

/// <summary>What the peer sessions of a member did, for <c>kubesync status</c> and (next) the metrics endpoint.</summary>
public sealed class SyncCounters
{
    private long _filesSent;
    private long _filesReceived;
    private long _bytesSent;
    private long _bytesReceived;
    private long _deltaSaved;
    private long _signaturesReused;
    private long _conflicts;

    public long FilesSent => Interlocked.Read(ref _filesSent);

    public long FilesReceived => Interlocked.Read(ref _filesReceived);

    /// <summary>Content bytes sent: inline data and delta literals.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Bytes a receiver copied from its own basis instead of receiving them.</summary>
    public long DeltaSavedBytes => Interlocked.Read(ref _deltaSaved);

    /// <summary>Delta transfers whose basis signature was the one kept when the file arrived (not read and hashed again).</summary>
    public long SignaturesReused => Interlocked.Read(ref _signaturesReused);

    /// <summary>Conflicts detected (each side of each conflict counts once).</summary>
    public long ConflictsDetected => Interlocked.Read(ref _conflicts);

    /// <summary>Connections closed for a protocol error, by the error's metric label.</summary>
    public ConcurrentDictionary<string, long> ProtocolErrors { get; } = new(StringComparer.Ordinal);

    public void FileSent(long contentBytes)
    {
        Interlocked.Increment(ref _filesSent);
        Interlocked.Add(ref _bytesSent, contentBytes);
    }

    public void FileReceived(long contentBytes)
    {
        Interlocked.Increment(ref _filesReceived);
        Interlocked.Add(ref _bytesReceived, contentBytes);
    }

    public void AddBytesReceived(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    public void DeltaSaved(long bytes) => Interlocked.Add(ref _deltaSaved, bytes);

    public void SignatureReused() => Interlocked.Increment(ref _signaturesReused);

    public void Conflict() => Interlocked.Increment(ref _conflicts);

    public void ProtocolError(string label) => ProtocolErrors.AddOrUpdate(label, 1, (_, n) => n + 1);
}
