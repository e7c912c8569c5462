using System.Text;

using KubeSync.Kubernetes.Watching;

namespace KubeSync.Kubernetes.Tests.Watching;

public sealed class WatchLineReaderTests
{
    private static async Task<List<string>> ReadAllAsync(string content, int chunk, int maxLine = WatchLineReader.DefaultMaxLineBytes)
    {
        using var stream = new TrickleStream(Encoding.UTF8.GetBytes(content), chunk);
        var reader = new WatchLineReader(stream, maxLine);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) is { } line)
        {
            lines.Add(Encoding.UTF8.GetString(line.Span));
        }

        return lines;
    }

    [Fact]
    public async Task ReadLine_LinesSplitAcrossReads_ReassembledWithoutLineEndings()
    {
        var lines = await ReadAllAsync("{\"a\":\"ü\"}\r\n\n{\"b\":2}\n{\"c\":3}", chunk: 3);

        Assert.Equal(["{\"a\":\"ü\"}", "", "{\"b\":2}", "{\"c\":3}"], lines);
    }

    [Fact]
    public async Task ReadLine_EndOfStream_ReturnsNullNotAnEmptyLine()
    {
        using var stream = new TrickleStream(Encoding.UTF8.GetBytes("a\n"), chunk: 100);
        var reader = new WatchLineReader(stream);

        var first = await reader.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var end = await reader.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, first?.Length);
        Assert.Null(end);
    }

    [Fact]
    public async Task ReadLine_LineOverLimit_ThrowsInvalidData()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync("short\n" + new string('x', 100) + "\n", chunk: 7, maxLine: 64));

        Assert.Contains("64 bytes", error.Message, StringComparison.Ordinal);
    }
}
