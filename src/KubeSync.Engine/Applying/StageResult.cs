namespace KubeSync.Engine.Applying;

/// <summary>A staged file ready to publish, or why there is none (<see cref="Failure"/> is then set).</summary>
public readonly record struct StageResult(StagedFile? File, ApplyResult? Failure)
{
    public static StageResult Staged(StagedFile file) => new(file, null);

    public static StageResult Failed(ApplyResult failure) => new(null, failure);
}
