using System.Collections.Concurrent;

namespace KubeSync.Engine.Scanning;

/// <summary>
/// Runs an enumeration on a thread of its own, handing its items over in chunks through a bounded queue, so
/// that reading the state rows and walking the tree use two cores instead of taking turns on one.
/// </summary>
internal static class Prefetch
{
    /// <summary>Items handed over at a time.</summary>
    internal const int ChunkSize = 512;

    /// <summary>Chunks the producer may run ahead of the consumer.</summary>
    internal const int ChunksAhead = 16;

    public static IEnumerable<T> Ahead<T>(IEnumerable<T> source, CancellationToken cancellationToken)
    {
        using var queue = new BlockingCollection<T[]>(ChunksAhead);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? failure = null;
        var producer = Task.Factory.StartNew(
            () =>
            {
                var chunk = new List<T>(ChunkSize);
                try
                {
                    foreach (var item in source)
                    {
                        chunk.Add(item);
                        if (chunk.Count == ChunkSize)
                        {
                            queue.Add([.. chunk], stop.Token);
                            chunk.Clear();
                        }
                    }

                    if (chunk.Count > 0)
                    {
                        queue.Add([.. chunk], stop.Token);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception ex)
                {
                    // Hand over what was read before the failure, then the failure itself.
                    failure = ex;
                    if (chunk.Count > 0 && !stop.IsCancellationRequested)
                    {
                        queue.Add([.. chunk], CancellationToken.None);
                    }
                }
                finally
                {
                    queue.CompleteAdding();
                }
            },
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        try
        {
            foreach (var chunk in queue.GetConsumingEnumerable(cancellationToken))
            {
                foreach (var item in chunk)
                {
                    yield return item;
                }
            }

            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            // The consumer may stop early (an exception, a cancelled scan): release the producer and wait for it.
            stop.Cancel();
            producer.Wait(CancellationToken.None);
        }
    }
}
