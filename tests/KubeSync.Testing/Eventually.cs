using Xunit;

namespace KubeSync.Testing;

/// <summary>Waiting on conditions with a deadline instead of sleeping (STYLE.md: no sleeping to wait).</summary>
public static class Eventually
{
    /// <summary>The default limit for anything a test waits on.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> at the deadline.</summary>
    /// <param name="interval">A fixed polling interval, for conditions that hold only briefly; by default the interval backs off from 5 to 100 ms.</param>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var delay = interval is { } fixedInterval ? (int)Math.Max(1, fixedInterval.TotalMilliseconds) : 5;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(delay);
            delay = interval is null ? Math.Min(delay * 2, 100) : delay;
        }
    }

    /// <summary>Polls an asynchronous <paramref name="condition"/> (a CLI run, say) until it holds; fails the test with <paramref name="what"/> at the deadline.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var delay = 5;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for: {what()}");
            }

            await Task.Delay(delay);
            delay = Math.Min(delay * 2, 100);
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing the test if it does not finish in time.</summary>
    public static async Task<T> WithTimeout<T>(this Task<T> task, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for: {what}");
            throw;
        }
    }
}
