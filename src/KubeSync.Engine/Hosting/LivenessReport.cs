namespace KubeSync.Engine.Hosting;

/// <summary>The result of <see cref="LivenessRegistry.Check"/>: how many loops are registered and what is wrong with them.</summary>
public sealed record LivenessReport(int Loops, IReadOnlyList<string> Problems)
{
    /// <summary>At least one loop registered and none with a problem.</summary>
    public bool IsAlive => Loops > 0 && Problems.Count == 0;
}
