using KubeSync.Kubernetes.Rest;

namespace KubeSync.Operator.Reconciling;

/// <summary>Runs a read-modify-write again when the object changed underneath it (409 Conflict), a few times.</summary>
public static class ConflictRetry
{
    public const int Attempts = 5;

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> attempt, Func<CancellationToken, Task> onConflict, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(onConflict);
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (KubeConflictException) when (i < Attempts)
            {
                await onConflict(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
