namespace KubeSync.Engine.Peers;

/// <summary>
/// Serializes access to a group's state store: one SQLite connection serves the scanner and every peer session,
/// and a connection is not safe for concurrent use. Held briefly: one batch of rows, never across network waits.
/// </summary>
public sealed class AsyncGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async ValueTask<Releaser> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_semaphore);
    }

    public Releaser Enter()
    {
        _semaphore.Wait();
        return new Releaser(_semaphore);
    }

    public void Dispose() => _semaphore.Dispose();

    public readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
