using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Paths;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Actions;

/// <summary>One action of an <see cref="ActionScheduler"/>: its pending paths, its loop (wait, run, retry) and its status.</summary>
internal sealed partial class ScheduledAction : IDisposable
{
    /// <summary>Grace on top of the action's timeout before the scheduler cancels a runner that does not enforce it.</summary>
    private static readonly TimeSpan RunnerGrace = TimeSpan.FromSeconds(5);

    private readonly Context _context;
    private readonly ActionConfig _config;
    private readonly IActionRunner _runner;
    private readonly GlobPattern[] _patterns;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Dictionary<SyncPath, long> _pending = [];
    private readonly Dictionary<ActionRunOutcome, long> _runs = [];
    private DateTimeOffset _lastTrigger;
    private DateTimeOffset _notBefore;
    private int _attempts;
    private bool _running;
    private DateTimeOffset? _lastRun;
    private ActionRunResult? _lastResult;
    private long _gaveUp;

    public ScheduledAction(Context context, ActionConfig config, IActionRunner runner)
    {
        _context = context;
        _config = config;
        _runner = runner;
        _patterns = [.. config.Patterns.Select(GlobPattern.Parse)];
    }

    public string Name => _config.Name;

    public bool IsRunning
    {
        get
        {
            lock (_lock)
            {
                return _running;
            }
        }
    }

    public void Trigger(IReadOnlyCollection<SyncPath> paths, bool local)
    {
        var wanted = local ? _config.DoLocal || _config.DoLocalOnly : !_config.DoLocalOnly;
        if (!wanted)
        {
            return;
        }

        var matching = paths.Where(p => Array.Exists(_patterns, pattern => pattern.IsMatch(p))).ToList();
        if (matching.Count == 0)
        {
            return;
        }

        ActionLog.Triggered(_context.Logger, _context.Group, Name, matching.Count, local ? "local" : "remote");
        lock (_lock)
        {
            var now = _context.Time.GetUtcNow();

            // Written under the lock so that the sequence numbers in memory and in the database agree.
            var seq = _context.Store.Add(Name, matching, now);
            foreach (var path in matching)
            {
                _pending[path] = seq;
            }

            _lastTrigger = now;
            Wake();
        }
    }

    public void Resume(PendingAction pending)
    {
        ActionLog.Resumed(_context.Logger, _context.Group, Name, pending.Paths.Count);
        lock (_lock)
        {
            foreach (var (path, seq) in pending.Paths)
            {
                _pending.TryAdd(path, seq);
            }

            _attempts = Math.Max(_attempts, pending.Attempts);
            _lastTrigger = _context.Time.GetUtcNow();
            Wake();
        }
    }

    public ActionStatus Status()
    {
        lock (_lock)
        {
            return new ActionStatus(
                Name,
                _pending.Count,
                _running,
                _attempts,
                _lastRun,
                _lastResult?.Outcome,
                _lastResult?.Duration,
                _lastResult?.Message,
                new Dictionary<ActionRunOutcome, long>(_runs),
                _gaveUp);
        }
    }

    /// <summary>Only after the loop has stopped.</summary>
    public void Dispose() => _wake.Dispose();

    /// <summary>Call with <see cref="_lock"/> held.</summary>
    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>What every action of a scheduler shares.</summary>
    internal sealed record Context(
        string Group,
        string Root,
        PendingActionStore Store,
        TimeProvider Time,
        ILogger Logger,
        ActionSchedulerOptions Options,
        ActionScheduler Owner);
}
