using KubeSync.Engine.Paths;
using KubeSync.Engine.Watching;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Watching;

public sealed class ChangeBatchTests
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(20);

    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    private static SyncPath P(string path) => SyncPath.Parse(path);

    [Fact]
    public void Take_DuplicatesNestedTreesAndPathsInsideTrees_Dropped()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("b.conf"));
        batch.Add(P("b.conf"));
        batch.Add(P("new/inside.conf"));
        batch.AddTree(P("new"));
        batch.AddTree(P("new/deeper"));
        batch.Add(P("a.conf"));

        var requests = batch.Take();

        Assert.Equal(2, requests.Count);
        Assert.True(requests[0].Recursive);
        Assert.Equal(["new"], requests[0].Paths!.Select(p => p.Value));
        Assert.False(requests[1].Recursive);
        Assert.Equal(["a.conf", "b.conf"], requests[1].Paths!.Select(p => p.Value));
        Assert.True(batch.IsEmpty);
    }

    /// <summary>A batch whose group was busy a moment ago: one change was just flushed, so the next ones are a burst.</summary>
    private ChangeBatch Busy(int maxPaths = 1000)
    {
        var batch = new ChangeBatch(_clock, Debounce) { MaxPaths = maxPaths };
        batch.Add(P("earlier"));
        Assert.Single(batch.Take());
        return batch;
    }

    [Fact]
    public void IsDue_BurstQuietForTheDebounce_True()
    {
        var batch = Busy();
        batch.Add(P("a"));
        Assert.False(batch.IsDue());

        _clock.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(batch.IsDue());
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void IsDue_BurstThatKeepsGoing_FlushedAfterFiveDebounces()
    {
        var batch = Busy();
        for (var i = 0; i < 10; i++)
        {
            batch.Add(P($"f{i}"));
            Assert.False(batch.IsDue());
            _clock.Advance(TimeSpan.FromMilliseconds(11));
        }

        batch.Add(P("last"));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void IsDue_FirstChangeAfterAQuietDebounce_DueAfterTheLeadingDelay()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("a"));
        Assert.False(batch.IsDue());
        Assert.Equal(TimeSpan.FromMilliseconds(1), batch.DueIn());

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void IsDue_LeadingBatch_TakesTheEventsOfTheSameMoment()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("old-name"));
        _clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond / 2));
        batch.Add(P("new-name"));
        _clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond / 2));

        Assert.True(batch.IsDue());
        Assert.Equal(["new-name", "old-name"], Assert.Single(batch.Take()).Paths!.Select(p => p.Value));
    }

    [Fact]
    public void IsDue_ChangesRightAfterALeadingFlush_AreDebounced()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("first"));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(batch.IsDue());
        batch.Take();

        _clock.Advance(TimeSpan.FromMilliseconds(5));
        batch.Add(P("second"));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(batch.IsDue());
        _clock.Advance(TimeSpan.FromMilliseconds(19));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void IsDue_QuietAgainAfterABurst_NextChangeLeadsAgain()
    {
        var batch = Busy();
        batch.Add(P("burst"));
        _clock.Advance(Debounce);
        Assert.True(batch.IsDue());
        batch.Take();

        _clock.Advance(Debounce);
        batch.Add(P("lone"));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void IsDue_FileOnlyCreatedSoFar_WaitsForItsCloseOrTheDebounce()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("being-written"), complete: false);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.False(batch.IsDue());

        // Its IN_CLOSE_WRITE completes it: due a leading delay later, not a debounce.
        batch.Add(P("being-written"));
        Assert.False(batch.IsDue());
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void Take_LeadingFlushWhileAnotherFileIsBeingWritten_KeepsThatFileForItsClose()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("done"), complete: false);
        batch.Add(P("done"));
        batch.Add(P("writing"), complete: false);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(batch.IsDue());
        Assert.Equal(["done"], Assert.Single(batch.Take()).Paths!.Select(p => p.Value));
        Assert.False(batch.IsEmpty);

        // Its close comes within the debounce: scanned once, with the burst, not at once.
        batch.Add(P("writing"));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(batch.IsDue());
        _clock.Advance(Debounce);
        Assert.Equal(["writing"], Assert.Single(batch.Take()).Paths!.Select(p => p.Value));
    }

    [Fact]
    public void IsDue_FileCreatedAndNeverClosed_DueAfterTheDebounce()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("symlink-or-slow-writer"), complete: false);
        _clock.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(batch.IsDue());
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void IsDue_ManyDistinctPaths_FlushedEarly()
    {
        var batch = Busy(maxPaths: 10);
        for (var i = 0; i < 9; i++)
        {
            batch.Add(P($"f{i}"));
        }

        Assert.False(batch.IsDue());
        batch.Add(P("f9"));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void Add_PastTheCollapseLimit_BecomesOneFullScan()
    {
        var batch = new ChangeBatch(_clock, Debounce) { CollapseToFull = 5 };
        for (var i = 0; i < 6; i++)
        {
            batch.Add(P($"f{i}"));
        }

        var request = Assert.Single(batch.Take());
        Assert.Null(request.Paths);
    }
}
