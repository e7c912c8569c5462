namespace KubeSync.Engine.Actions;

/// <summary>What a run did, kept for <c>kubesync status</c> and logged: never the content of synced files, only the action's own output (capped).</summary>
public sealed record ActionRunResult(ActionRunOutcome Outcome, int? ExitCode, string Output, TimeSpan Duration, string? Message);
