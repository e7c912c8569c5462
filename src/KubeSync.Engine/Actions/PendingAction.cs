using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Actions;

/// <summary>An action's persisted pending paths (with the trigger sequence of each), read back at start.</summary>
public sealed record PendingAction(string Action, IReadOnlyDictionary<SyncPath, long> Paths, DateTimeOffset FirstTrigger, int Attempts);
