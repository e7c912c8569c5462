namespace KubeSync.Contracts.Configuration;

/// <summary><c>actions[].podExec</c>: <c>{container, command}</c>.</summary>
public sealed record PodExecActionConfig(string Container, IReadOnlyList<string> Command);
