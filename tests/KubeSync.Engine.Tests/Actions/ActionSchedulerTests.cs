using System.Collections.Concurrent;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Actions;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;
using KubeSync.Testing;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Engine.Tests.Actions;

public sealed class ActionSchedulerTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(500);

    private readonly TempDirectory _dir = new("kubesync-actions-");
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly RecordingRunner _runner = new();
    private readonly ConcurrentQueue<ActionRunReport> _reports = new();
    private readonly List<ActionScheduler> _schedulers = [];
    private StateStore? _state;
    private PendingActionStore? _pending;

    public Task InitializeAsync()
    {
        Open();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var scheduler in _schedulers)
        {
            await scheduler.DisposeAsync().AsTask().WaitAsync(TestTimeout);
        }

        _pending?.Dispose();
        _state?.Dispose();
    }

    /// <summary>After <see cref="DisposeAsync"/> (xunit calls both).</summary>
    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Trigger_TwoBatches_RunOnceAfterTheDelayWithAllPaths()
    {
        var scheduler = Start(Action("reload", ["*.conf"]));

        scheduler.Trigger(Paths("a.conf", "index.html"), local: false);
        await WaitForTimerAsync(runs: 0);
        _clock.Advance(Delay / 2);
        scheduler.Trigger(Paths("b.conf"), local: false);
        _clock.Advance(Delay / 2);
        await WaitForTimerAsync(runs: 0);
        Assert.Empty(_runner.Invocations);

        _clock.Advance(Delay / 2);
        await WaitForRunsAsync(1);

        var run = Assert.Single(_runner.Invocations);
        Assert.Equal(Paths("a.conf", "b.conf"), run.Paths);
        Assert.Empty(_pending!.ReadAll());
        var status = Assert.Single(scheduler.Snapshot());
        Assert.Equal(ActionRunOutcome.Succeeded, status.LastOutcome);
        Assert.Equal(1, status.Runs[ActionRunOutcome.Succeeded]);
    }

    [Fact]
    public async Task Trigger_NoMatchingPath_DoesNotRun()
    {
        var scheduler = Start(Action("reload", ["*.conf", "/ssl"]));

        scheduler.Trigger(Paths("index.html", "other/ssl"), local: false);

        Assert.Equal(0, _clock.PendingTimers);
        Assert.Empty(_pending!.ReadAll());
        Assert.Equal(0, Assert.Single(scheduler.Snapshot()).PendingPaths);
    }

    [Theory]
    [InlineData(false, false, false, true)]
    [InlineData(false, false, true, false)]
    [InlineData(true, false, false, true)]
    [InlineData(true, false, true, true)]
    [InlineData(false, true, false, false)]
    [InlineData(false, true, true, true)]
    public void Trigger_LocalOrRemote_FollowsDoLocalAndDoLocalOnly(bool doLocal, bool doLocalOnly, bool local, bool runs)
    {
        var scheduler = Start(new ActionConfig { Name = "reload", Exec = ["true"], DoLocal = doLocal, DoLocalOnly = doLocalOnly });

        scheduler.Trigger(Paths("a.conf"), local);

        Assert.Equal(runs ? 1 : 0, Assert.Single(scheduler.Snapshot()).PendingPaths);
    }

    [Fact]
    public async Task Trigger_WhileRunning_QueuesOneFollowUpRunWithTheNewPaths()
    {
        var release = new TaskCompletionSource<ActionRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _runner.Respond = inv => _runner.Invocations.Count == 1 ? release.Task : Task.FromResult(RecordingRunner.Succeeded);
        var scheduler = Start(Action("reload", ["*"]));

        scheduler.Trigger(Paths("a"), local: false);
        await WaitForTimerAsync(runs: 0);
        _clock.Advance(Delay);
        await Eventually.TrueAsync(() => scheduler.Snapshot()[0].Running, "the first run starts");
        scheduler.Trigger(Paths("b"), local: false);
        scheduler.Trigger(Paths("c", "a"), local: false);
        release.SetResult(RecordingRunner.Succeeded);
        await WaitForTimerAsync(runs: 1);
        _clock.Advance(Delay);
        await WaitForRunsAsync(2);

        Assert.Equal([Paths("a"), Paths("a", "b", "c")], _runner.Invocations.Select(i => i.Paths));
        Assert.Equal(0, _clock.PendingTimers);
        Assert.Empty(_pending!.ReadAll());
    }

    [Fact]
    public async Task Run_Failing_RetriesWithExponentialBackoffThenGivesUp()
    {
        _runner.Respond = _ => Task.FromResult(RecordingRunner.Failed);
        var options = new ActionSchedulerOptions { MaxAttempts = 3, RetryBase = TimeSpan.FromSeconds(2) };
        var scheduler = Start(options, Action("reload", ["*"]));

        scheduler.Trigger(Paths("a"), local: false);
        await WaitForTimerAsync(runs: 0);
        _clock.Advance(Delay);
        await WaitForTimerAsync(runs: 1);
        Assert.Equal(1, _pending!.ReadAll().Single().Attempts);

        // The second wait is 2 s times 50-100 % jitter; the third 4 s times the same.
        _clock.Advance(TimeSpan.FromSeconds(2));
        await WaitForTimerAsync(runs: 2);
        _clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, _reports.Count);
        Assert.Equal(1, _clock.PendingTimers);
        _clock.Advance(TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(1));
        await WaitForRunsAsync(3);

        Assert.Equal([1, 2, 3], _reports.Select(r => r.Attempt));
        Assert.Equal([false, false, true], _reports.Select(r => r.GaveUp));
        var status = Assert.Single(scheduler.Snapshot());
        Assert.Equal(1, status.GaveUp);
        Assert.Equal(3, status.Runs[ActionRunOutcome.Failed]);
        Assert.Equal(0, status.PendingPaths);
        Assert.Empty(_pending.ReadAll());
    }

    [Fact]
    public async Task Run_FailsThenSucceeds_ClearsAttemptsAndPendingRows()
    {
        _runner.Respond = _ => Task.FromResult(_runner.Invocations.Count == 1 ? RecordingRunner.Failed : RecordingRunner.Succeeded);
        var scheduler = Start(Action("reload", ["*"]));

        scheduler.Trigger(Paths("a"), local: false);
        await WaitForTimerAsync(runs: 0);
        _clock.Advance(Delay);
        await WaitForTimerAsync(runs: 1);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForRunsAsync(2);

        var status = Assert.Single(scheduler.Snapshot());
        Assert.Equal(ActionRunOutcome.Succeeded, status.LastOutcome);
        Assert.Equal(0, status.Attempts);
        Assert.Empty(_pending!.ReadAll());
    }

    [Fact]
    public async Task ResumePendingAsync_AfterRestart_RunsWhatWasPending()
    {
        var first = Start(Action("reload", ["*"]), Action("other", ["*.txt"]));
        first.Trigger(Paths("a", "b.txt"), local: false);
        await first.DisposeAsync().AsTask().WaitAsync(TestTimeout);
        _schedulers.Remove(first);
        Reopen();

        var second = Start(Action("reload", ["*"]));
        var resumed = await second.ResumePendingAsync(CancellationToken.None).WaitAsync(TestTimeout);
        await WaitForTimerAsync(runs: 0);
        _clock.Advance(Delay);
        await WaitForRunsAsync(1);

        Assert.Equal(1, resumed);
        Assert.Equal(Paths("a", "b.txt"), Assert.Single(_runner.Invocations).Paths);
        Assert.Empty(_pending!.ReadAll());
    }

    private static ActionConfig Action(string name, IReadOnlyList<string> patterns) =>
        new() { Name = name, Patterns = patterns, Exec = ["true"], Delay = Delay };

    private static SyncPath[] Paths(params string[] paths) => [.. paths.Select(SyncPath.Parse)];

    private ActionScheduler Start(params ActionConfig[] actions) => Start(new ActionSchedulerOptions(), actions);

    private ActionScheduler Start(ActionSchedulerOptions options, params ActionConfig[] actions)
    {
        var group = new GroupConfig { Name = "web", Root = _dir.Path, StateDir = _dir.Combine(".kubesync"), Actions = actions };
        var scheduler = new ActionScheduler(group, [_runner], _pending!, _clock, NullLogger.Instance, options);
        scheduler.RunCompleted += (_, report) => _reports.Enqueue(report);
        _schedulers.Add(scheduler);
        return scheduler;
    }

    private void Open()
    {
        _state = StateStore.Open(_dir.Combine(".kubesync/state.db"), "web-0", "web", _clock);
        _pending = PendingActionStore.Open(_state);
    }

    private void Reopen()
    {
        _pending!.Dispose();
        _state!.Dispose();
        Open();
    }

    /// <summary>Waits until <paramref name="runs"/> runs have finished and the scheduler waits on the clock (delay or backoff).</summary>
    private Task WaitForTimerAsync(int runs) =>
        Eventually.TrueAsync(() => _reports.Count == runs && _clock.PendingTimers == 1, $"{runs} runs done and the scheduler waiting on the clock", TestTimeout);

    private Task WaitForRunsAsync(int runs) =>
        Eventually.TrueAsync(() => _reports.Count == runs, $"{runs} runs done", TestTimeout);
}
