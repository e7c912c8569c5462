using KubeSync.Engine.Scanning;

namespace KubeSync.Engine.Tests.Scanning;

public class PrefetchTests
{
    [Fact]
    public void Ahead_LongSequence_YieldsEverythingInOrder()
    {
        Assert.Equal(Enumerable.Range(0, 10_000), Prefetch.Ahead(Enumerable.Range(0, 10_000), CancellationToken.None));
    }

    [Fact]
    public void Ahead_SourceThrows_ConsumerSeesTheException()
    {
        static IEnumerable<int> Failing()
        {
            for (var i = 0; i < 2000; i++)
            {
                yield return i;
            }

            throw new InvalidDataException("broken row");
        }

        var seen = new List<int>();
        var ex = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var i in Prefetch.Ahead(Failing(), CancellationToken.None))
            {
                seen.Add(i);
            }
        });
        Assert.Equal("broken row", ex.Message);
        Assert.Equal(2000, seen.Count);
    }

    [Fact]
    public async Task Ahead_ConsumerStopsEarly_ProducerIsReleased()
    {
        var produced = 0;
        IEnumerable<int> Endless()
        {
            while (true)
            {
                yield return Interlocked.Increment(ref produced);
            }
        }

        var firstTen = await Task.Run(() => Prefetch.Ahead(Endless(), CancellationToken.None).Take(10).ToList()).WaitAsync(TimeSpan.FromSeconds(30));

        // Returning at all means the producer was stopped and joined; it ran at most a bounded way ahead.
        Assert.Equal(Enumerable.Range(1, 10), firstTen);
        Assert.InRange(Volatile.Read(ref produced), 10, (Prefetch.ChunksAhead + 3) * Prefetch.ChunkSize);
    }
}
