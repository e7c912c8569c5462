using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Hosting;

/// <summary>
/// What a config reload changes in one running group: <see cref="Config"/> is the group's new configuration with the
/// keys that need a restart (name, root, stateDir, role, ignore) kept at their running values; <see cref="Index"/>
/// is the group's position in the new file, for keys in messages.
/// </summary>
public sealed record GroupChange(string Name, int Index, GroupConfig Config, bool Rules, bool Actions, bool Peers, bool Auto, bool Backup)
{
    public bool Any => Rules || Actions || Peers || Auto || Backup;
}
