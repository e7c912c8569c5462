namespace KubeSync.Operator.Members;

/// <summary>What a member's <c>/status</c> said about one group, or why it could not be read (<see cref="Error"/>).</summary>
public sealed record MemberReading(bool Ready, long Dirty, long Conflicts, DateTimeOffset? LastSync, string? Error = null)
{
    public static MemberReading Failed(string error) => new(false, 0, 0, null, error);
}
