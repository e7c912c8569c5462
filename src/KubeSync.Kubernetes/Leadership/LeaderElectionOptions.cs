namespace KubeSync.Kubernetes.Leadership;

/// <summary>Lease leader election timing; the defaults are client-go's.</summary>
public sealed record LeaderElectionOptions(string Namespace, string LeaseName, string Identity)
{
    /// <summary>How long a lease, once last seen renewed, keeps others from taking it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The leader gives up (stops its work) when it has not renewed for this long.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval between acquire attempts and between renewals.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws with the option named when the timings cannot work together.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Namespace) || string.IsNullOrEmpty(LeaseName) || string.IsNullOrEmpty(Identity))
        {
            throw new ArgumentException("leader election: Namespace, LeaseName and Identity are required");
        }

        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException($"leader election: LeaseDuration ({LeaseDuration}) must be longer than RenewDeadline ({RenewDeadline})");
        }

        if (RenewDeadline <= RetryPeriod * 1.2)
        {
            throw new ArgumentException($"leader election: RenewDeadline ({RenewDeadline}) must be longer than 1.2 x RetryPeriod ({RetryPeriod})");
        }
    }
}
