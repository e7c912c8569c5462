namespace KubeSync.Contracts.Configuration;

/// <summary><c>actions[].signal</c>: <c>{process | pidFile, signal}</c>.</summary>
public sealed record SignalActionConfig(string? Process, string? PidFile, string Signal);
