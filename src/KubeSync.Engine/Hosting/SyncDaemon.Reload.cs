using KubeSync.Engine.Applying;
using KubeSync.Engine.Configuration;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Watching;

namespace KubeSync.Engine.Hosting;

/// <summary>
/// Config reload (SIGHUP, or the config file changed): the file is loaded and validated as at start; a bad file is
/// refused with the same message naming the key, and the running config stays. Otherwise what can change without a
/// restart takes effect at once (rules, with a rescan; actions; peers; timings; auto; backup) and what cannot is
/// logged in one line naming the keys.
/// </summary>
public sealed partial class SyncDaemon
{
    private readonly SemaphoreSlim _reloadRequested = new(0, 1);
    private string? _reloadTrigger;
    private volatile ConfigReload? _lastReload;
    private ConfigFileWatcher? _configWatcher;

    /// <summary>The last config reload, or null when there was none.</summary>
    public ConfigReload? LastReload => _lastReload;

    /// <summary>Asks for a config reload (SIGHUP, a changed file); <paramref name="trigger"/> names the cause in the log.</summary>
    public void RequestReload(string trigger)
    {
        Volatile.Write(ref _reloadTrigger, trigger);
        try
        {
            _reloadRequested.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already requested: that reload reads the newest file.
        }
    }

    /// <summary>Re-reads the config file, applies what can change without a restart, and reports the outcome.</summary>
    public async Task<ConfigReload> ReloadAsync(string trigger, CancellationToken cancellationToken)
    {
        var file = _config.SourceFile ?? "(none)";
        ConfigChanges changes;
        Dictionary<string, SyncRules> rules;
        try
        {
            if (_config.SourceFile is null)
            {
                throw new ConfigException("", "the running configuration was not read from a file");
            }

            var next = ConfigLoader.LoadFile(_config.SourceFile, Environment.GetEnvironmentVariables());
            changes = ConfigChanges.Between(_config, next);
            rules = changes.Groups.Where(g => g.Rules).ToDictionary(g => g.Name, g => LocalGroup.CompileRules(g.Config, g.Index), StringComparer.Ordinal);
            _actions.Validate(next.Groups);
        }
        catch (ConfigException e)
        {
            DaemonLog.ReloadRejected(_log, file, trigger, e.Message);
            return Record(new ConfigReload(_time.GetUtcNow(), trigger, ConfigReload.Rejected, e.Message, [], []));
        }

        if (changes.NeedsRestart.Count > 0)
        {
            DaemonLog.NeedsRestart(_log, file, string.Join(", ", changes.NeedsRestart));
        }

        if (changes.Applied.Count == 0)
        {
            DaemonLog.ReloadUnchanged(_log, file, trigger);
            return Record(new ConfigReload(_time.GetUtcNow(), trigger, ConfigReload.Unchanged, null, [], changes.NeedsRestart));
        }

        await ApplyAsync(changes, rules, cancellationToken).ConfigureAwait(false);
        DaemonLog.Reloaded(_log, file, trigger, string.Join(", ", changes.Applied));
        return Record(new ConfigReload(_time.GetUtcNow(), trigger, ConfigReload.Applied, null, changes.Applied, changes.NeedsRestart));
    }

    private ConfigReload Record(ConfigReload reload)
    {
        _lastReload = reload;
        Metrics.RecordConfigReload(reload.Outcome);
        return reload;
    }

    private async Task ApplyAsync(ConfigChanges changes, Dictionary<string, SyncRules> rules, CancellationToken ct)
    {
        var old = _config;
        _config = changes.Effective;
        foreach (var change in changes.Groups)
        {
            var group = Groups.First(g => g.Name == change.Name);
            var newRules = rules.GetValueOrDefault(change.Name);
            using (await group.Gate.EnterAsync(ct).ConfigureAwait(false))
            {
                group.Group.Update(change.Config, newRules ?? group.Group.Rules);
            }

            if (change.Backup)
            {
                group.Applier.UseBackups(change.Config.Backup is { } backup ? new BackupStore(backup) : null);
            }

            if (change.Peers)
            {
                Host.UpdatePeers(group);
            }

            if (change.Actions)
            {
                await _actions.InstallAsync(group, change.Config, ct).ConfigureAwait(false);
            }

            if (newRules is not null)
            {
                DaemonLog.RulesChanged(_log, group.Name);
                if (!_watchers.TryGetValue(group.Name, out var watcher) || !watcher.UpdateRules(newRules))
                {
                    RequestScan();
                }
            }
        }

        var timing = changes.Effective.Timing;
        if (timing.Debounce != old.Timing.Debounce)
        {
            foreach (var watcher in _watchers.Values)
            {
                watcher.UpdateDebounce(timing.Debounce);
            }
        }

        if (timing.Pull != old.Timing.Pull)
        {
            foreach (var group in Groups)
            {
                group.Tuning = group.Tuning with { PullInterval = timing.Pull };
            }
        }

        if (changes.Effective.WatchConfig != old.WatchConfig)
        {
            StartOrStopConfigWatcher();
        }
    }

    private async Task ReloadLoopAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await _reloadRequested.WaitAsync(ct).ConfigureAwait(false);
                await ReloadAsync(Interlocked.Exchange(ref _reloadTrigger, null) ?? "request", ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Watches the config file when <c>watchConfig</c> says so (and it came from a file); stops watching otherwise.</summary>
    private void StartOrStopConfigWatcher()
    {
        if (_config.WatchConfig && _config.SourceFile is { } file)
        {
            if (_configWatcher is null)
            {
                var watcher = new ConfigFileWatcher(file, () => RequestReload("file change"), _log);
                if (watcher.Start())
                {
                    _configWatcher = watcher;
                }
                else
                {
                    watcher.Dispose();
                }
            }
        }
        else
        {
            StopConfigWatcher();
        }
    }

    private void StopConfigWatcher()
    {
        _configWatcher?.Dispose();
        _configWatcher = null;
    }
}
