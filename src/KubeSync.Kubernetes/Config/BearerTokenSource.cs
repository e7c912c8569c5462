namespace KubeSync.Kubernetes.Config;

/// <summary>
/// The bearer token for each request: a fixed one, or the content of a file re-read once its copy is older
/// than <see cref="RefreshInterval"/> (kubelet rotates projected service account tokens on disk).
/// </summary>
public sealed class BearerTokenSource
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private readonly string? _token;
    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private string? _cached;
    private DateTimeOffset _readAt;

    public BearerTokenSource(string? token, string? file, TimeProvider timeProvider)
    {
        _token = token;
        _file = file;
        _time = timeProvider;
    }

    /// <summary>The token to send now, or null when there is none.</summary>
    public string? GetToken()
    {
        if (_file is null)
        {
            return _token;
        }

        var now = _time.GetUtcNow();
        if (_cached is not null && now - _readAt < RefreshInterval)
        {
            return _cached;
        }

        lock (_gate)
        {
            if (_cached is null || now - _readAt >= RefreshInterval)
            {
                try
                {
                    // A token is a few hundred bytes on a local (tmpfs) mount: a synchronous read once a minute is cheaper than async plumbing.
                    _cached = File.ReadAllText(_file).Trim();
                    _readAt = now;
                }
                catch (IOException) when (_cached is not null)
                {
                    // The kubelet swaps the file by symlink; a read in the middle of that keeps the previous token.
                }
            }

            return _cached;
        }
    }
}
