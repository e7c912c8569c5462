using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Paths;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Actions;

/// <summary>
/// Runs a group's actions after changes (DESIGN 3.6), one loop per action: a trigger records the matching paths
/// (in memory and in <see cref="PendingActionStore"/>), the run waits for the action's <c>delay</c> of quiet, then
/// runs once with every path gathered so far. Triggers while a run waits join it; triggers while it runs queue one
/// follow-up run. A failed run is retried with exponential backoff and jitter, up to
/// <see cref="ActionSchedulerOptions.MaxAttempts"/>, then dropped and reported.
/// </summary>
public sealed class ActionScheduler : IAsyncDisposable
{
    private readonly ScheduledAction[] _actions;
    private readonly PendingActionStore _store;
    private readonly ILogger _logger;
    private readonly string _group;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ActionSchedulerOptions _options;
    private readonly Task _loops;
    private int _disposed;

    /// <summary>Prepares <paramref name="group"/>'s actions and starts their loops.</summary>
    /// <param name="runners">The runners available; each action uses the first whose <see cref="IActionRunner.CanRun"/> accepts it.</param>
    /// <exception cref="InvalidOperationException">No runner accepts an action (e.g. <c>podExec</c> without a Kubernetes client).</exception>
    /// <exception cref="FormatException">A pattern is invalid (the config reader rejects these first).</exception>
    public ActionScheduler(GroupConfig group, IEnumerable<IActionRunner> runners, PendingActionStore store, TimeProvider time, ILogger logger, ActionSchedulerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        var available = runners.ToList();
        _group = group.Name;
        _store = store;
        _logger = logger;
        _options = options ?? new ActionSchedulerOptions();
        _actions = [.. group.Actions.Select(a => new ScheduledAction(
            new ScheduledAction.Context(group.Name, group.Root, store, time, logger, _options, this),
            a,
            available.FirstOrDefault(r => r.CanRun(a)) ?? throw new InvalidOperationException($"group {group.Name}: no runner can run action {a.Name}")))];
        _loops = Task.WhenAll(_actions.Select(a => Task.Run(() => a.LoopAsync(_stopping.Token, _abort.Token))));
    }

    /// <summary>Raised after each run (on the action's loop; handlers must be quick and must not throw).</summary>
    public event EventHandler<ActionRunReport>? RunCompleted;

    /// <summary>Completes when the loops stop; faults when one fails (the state database is broken): health should reflect it.</summary>
    public Task Completion => _loops;

    /// <summary>
    /// Records a batch of changed paths: applied from peers (<paramref name="local"/> false) or found by the scanner
    /// on this member (true). Like csync2, remote changes trigger every matching action except <c>doLocalOnly</c>
    /// ones, local changes only <c>doLocal</c> and <c>doLocalOnly</c> ones. Returns at once; runs happen later.
    /// </summary>
    public void Trigger(IReadOnlyCollection<SyncPath> paths, bool local)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        foreach (var action in _actions)
        {
            action.Trigger(paths, local);
        }
    }

    /// <summary>
    /// Schedules the runs that were pending when the process stopped (read from the state database); rows of actions
    /// that are no longer configured are dropped. Call once at start. Returns how many actions were resumed.
    /// </summary>
    public Task<int> ResumePendingAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var resumed = 0;
        foreach (var pending in _store.ReadAll())
        {
            var action = Array.Find(_actions, a => a.Name == pending.Action);
            if (action is null)
            {
                ActionLog.UnknownPending(_logger, _group, pending.Action, pending.Paths.Count);
                _store.RemoveAll(pending.Action);
                continue;
            }

            if (pending.Paths.Count > 0)
            {
                action.Resume(pending);
                resumed++;
            }
        }

        return Task.FromResult(resumed);
    }

    /// <summary>Each action's state and run counters.</summary>
    public IReadOnlyList<ActionStatus> Snapshot() => [.. _actions.Select(a => a.Status())];

    /// <summary>
    /// Stops the loops: waiting runs are abandoned (their paths stay pending in the database for the next start), a
    /// running action gets <see cref="ActionSchedulerOptions.StopTimeout"/> to finish before it is cancelled.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _loops.WaitAsync(_options.StopTimeout);
        }
        catch (TimeoutException)
        {
            foreach (var action in _actions.Where(a => a.IsRunning))
            {
                ActionLog.CancelledAtStop(_logger, _group, action.Name, (long)_options.StopTimeout.TotalMilliseconds);
            }

            await _abort.CancelAsync();
            await _loops.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception) when (_loops.IsFaulted)
        {
            // Already reported through Completion; stopping must not throw it again.
        }

        if (_loops.IsCompleted)
        {
            foreach (var action in _actions)
            {
                action.Dispose();
            }
        }

        _stopping.Dispose();
        _abort.Dispose();
    }

    internal void OnRunCompleted(ActionRunReport report) => RunCompleted?.Invoke(this, report);
}
