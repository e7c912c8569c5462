namespace KubeSync.Contracts.Configuration;

/// <summary><c>groups[].backup</c>: where replaced files go and how many generations are kept.</summary>
public sealed record BackupConfig(string Directory, int Generations);
