namespace KubeSync.Engine.Scanning;

/// <summary>A full scan that finished, and when: what <c>/status</c> shows as a group's last scan.</summary>
public sealed record CompletedScan(DateTimeOffset FinishedAt, ScanResult Result);
