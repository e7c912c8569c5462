using KubeSync.Engine.Applying;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Applying;

public sealed class SyncWorkersTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Queue_ManyFiles_EverySyncReturnsAndSucceeds()
    {
        var files = Enumerable.Range(0, 64).Select(i => File.OpenHandle(_dir.Combine($"f{i}"), FileMode.CreateNew, FileAccess.Write)).ToList();
        try
        {
            using var done = new CountdownEvent(files.Count);
            var jobs = files.Select(f =>
            {
                RandomAccess.Write(f, new byte[4096], 0);
                return new SyncJob((int)f.DangerousGetHandle(), done);
            }).ToList();

            jobs.ForEach(SyncWorkers.Shared.Queue);

            Assert.True(done.Wait(TimeSpan.FromSeconds(60)));
            Assert.All(jobs, j => Assert.Equal(0, j.Error));
        }
        finally
        {
            files.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public void Queue_ClosedDescriptor_ReportsTheErrno()
    {
        using var done = new CountdownEvent(1);
        var job = new SyncJob(-1, done);

        SyncWorkers.Shared.Queue(job);

        Assert.True(done.Wait(TimeSpan.FromSeconds(60)));
        Assert.Equal(9, job.Error); // EBADF
    }
}
