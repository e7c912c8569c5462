using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Actions;

internal sealed partial class ScheduledAction
{
    /// <summary>Waits for pending paths and quiet, runs, records the outcome; until <paramref name="stopping"/>.</summary>
    public async Task LoopAsync(CancellationToken stopping, CancellationToken abort)
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(stopping);
                if (!await WaitForQuietAsync(stopping))
                {
                    continue;
                }

                var (paths, upToSeq, attempt) = TakeBatch();
                var started = _context.Time.GetUtcNow();
                var result = await RunOnceAsync(paths, abort);
                Record(paths, upToSeq, attempt, started, result);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested || abort.IsCancellationRequested)
        {
            // Stopped: whatever is pending stays in the database for the next start.
        }
    }

    /// <summary>Waits until the action's delay has passed since the last trigger (and any retry backoff); false when nothing is pending.</summary>
    private async Task<bool> WaitForQuietAsync(CancellationToken stopping)
    {
        while (true)
        {
            DateTimeOffset due;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    return false;
                }

                var quiet = _lastTrigger + _config.Delay;
                due = quiet > _notBefore ? quiet : _notBefore;
            }

            var wait = due - _context.Time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return true;
            }

            await Task.Delay(wait, _context.Time, stopping);
        }
    }

    private (IReadOnlyList<SyncPath> Paths, long UpToSeq, int Attempt) TakeBatch()
    {
        lock (_lock)
        {
            var paths = _pending.Keys.Order().ToList();
            var upToSeq = _pending.Values.Max();
            _pending.Clear();
            _running = true;
            return (paths, upToSeq, _attempts + 1);
        }
    }

    private async Task<ActionRunResult> RunOnceAsync(IReadOnlyList<SyncPath> paths, CancellationToken abort)
    {
        var invocation = new ActionInvocation(_context.Group, _config, paths) { Root = _context.Root };
        var started = _context.Time.GetUtcNow();
        using var guard = new CancellationTokenSource(_config.Timeout + RunnerGrace, _context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(guard.Token, abort);
        try
        {
            return await _runner.RunAsync(invocation, linked.Token);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            return new ActionRunResult(ActionRunOutcome.TimedOut, null, "", _context.Time.GetUtcNow() - started, $"no result after {_config.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The runner contract is to report failures as results; a runner bug still must not stop the other actions.
            ActionLog.RunnerThrew(_context.Logger, _context.Group, Name, e);
            return new ActionRunResult(ActionRunOutcome.Failed, null, "", _context.Time.GetUtcNow() - started, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private void Record(IReadOnlyList<SyncPath> paths, long upToSeq, int attempt, DateTimeOffset started, ActionRunResult result)
    {
        var now = _context.Time.GetUtcNow();
        var options = _context.Options;
        var gaveUp = false;
        lock (_lock)
        {
            _running = false;
            _lastRun = started;
            _lastResult = result;
            _runs[result.Outcome] = _runs.GetValueOrDefault(result.Outcome) + 1;
            if (result.Outcome == ActionRunOutcome.Succeeded || attempt >= options.MaxAttempts)
            {
                gaveUp = result.Outcome != ActionRunOutcome.Succeeded;
                _gaveUp += gaveUp ? 1 : 0;
                _attempts = 0;
                _notBefore = DateTimeOffset.MinValue;
                _context.Store.Remove(Name, upToSeq);
            }
            else
            {
                // The failed batch joins whatever was triggered meanwhile; the retry runs them together.
                foreach (var path in paths)
                {
                    _pending.TryAdd(path, upToSeq);
                }

                _attempts = attempt;
                var backoff = options.Backoff(attempt, Random.Shared.NextDouble());
                _notBefore = now + backoff;
                _context.Store.SetAttempts(Name, upToSeq, attempt);
                ActionLog.WillRetry(_context.Logger, _context.Group, Name, result.Outcome, attempt, options.MaxAttempts, result.Message ?? "", (long)backoff.TotalMilliseconds);
            }

            if (_pending.Count > 0)
            {
                Wake();
            }
        }

        if (result.Outcome == ActionRunOutcome.Succeeded)
        {
            ActionLog.Succeeded(_context.Logger, _context.Group, Name, (long)result.Duration.TotalMilliseconds, paths.Count);
        }
        else if (gaveUp)
        {
            ActionLog.GaveUp(_context.Logger, _context.Group, Name, attempt, paths.Count, result.Message ?? result.Outcome.ToString());
        }

        _context.Owner.OnRunCompleted(new ActionRunReport(_context.Group, Name, paths, attempt, result, gaveUp, now));
    }
}
