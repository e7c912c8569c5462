using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Tests.Protocol;

public sealed class ReadAheadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReceiveAsync_ReturnsEveryMessageInOrder_ThenNullAgainAndAgain()
    {
        var messages = new ProtocolTestData(7).OneOfEach().ToList();
        await using var readAhead = new ReadAhead(new FrameReader(new MemoryStream(await EncodeAsync(messages))));

        foreach (var expected in messages)
        {
            var actual = await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
            Assert.Equal(MessageDescriber.Describe(expected), MessageDescriber.Describe(actual));
        }

        Assert.Null(await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Null(await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ReceiveAsync_MessagesReadAhead_CompleteSynchronously()
    {
        var messages = Enumerable.Range(1, 50).Select(i => (ProtocolMessage)new Ping((ulong)i)).ToList();
        await using var readAhead = new ReadAhead(new FrameReader(new MemoryStream(await EncodeAsync(messages))));
        Assert.Equal(new Ping(1), await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));

        await WaitUntilAsync(() => readAhead.Queued == 49 * MessageCodec.EncodeFrame(new Ping(2))[5..].Length);
        for (var i = 2; i <= 50; i++)
        {
            var next = readAhead.ReceiveAsync(CancellationToken.None);
            Assert.True(next.IsCompleted, $"message {i} was read ahead, yet its receive did not complete at once");
            Assert.Equal(new Ping((ulong)i), await next);
        }

        Assert.Equal(0, readAhead.Queued);
    }

    [Fact]
    public async Task ReadAhead_StopsReadingPastItsBudget_UntilTheLoopTakesMessages()
    {
        // 40 frames of 256 KiB: 10 MiB, more than twice the budget.
        var chunk = new byte[256 * 1024 - 16];
        Random.Shared.NextBytes(chunk);
        var messages = Enumerable.Range(0, 40).Select(i => (ProtocolMessage)new DeltaChunk((ulong)i, chunk)).ToList();
        var bytes = await EncodeAsync(messages);
        var stream = new CountingStream(new MemoryStream(bytes));
        await using var readAhead = new ReadAhead(new FrameReader(stream));

        var first = await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(0UL, Assert.IsType<DeltaChunk>(first).RequestId);
        await WaitUntilAsync(() => readAhead.Queued > ReadAhead.Budget);

        // Nothing is taken: the task must be waiting now, so the stream stays where it stopped.
        var frame = bytes.Length / messages.Count;
        var readSoFar = stream.BytesRead;
        Assert.InRange(readSoFar, ReadAhead.Budget, ReadAhead.Budget + 2 * frame);
        Assert.True(readSoFar < bytes.Length, "the whole stream was read with nothing taken");

        for (var i = 1; i < messages.Count; i++)
        {
            var message = Assert.IsType<DeltaChunk>(await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
            Assert.Equal((ulong)i, message.RequestId);
            Assert.Equal(chunk, message.Chunk.ToArray());
        }

        Assert.Null(await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Equal(bytes.Length, stream.BytesRead);
    }

    [Fact]
    public async Task ReceiveAsync_ABadFrameAfterGoodOnes_ComesAfterThem_AndStays()
    {
        var good = await EncodeAsync([new Ping(1), new Ping(2)]);
        byte[] oversize = [0x7F, 0xFF, 0xFF, 0xFF, (byte)MessageType.Ping];
        await using var readAhead = new ReadAhead(new FrameReader(new MemoryStream([.. good, .. oversize, .. good])));

        Assert.Equal(new Ping(1), await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Equal(new Ping(2), await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
        for (var i = 0; i < 2; i++)
        {
            var receive = readAhead.ReceiveAsync(CancellationToken.None).AsTask(); // the error is in the task, not thrown by the call
            var error = await Assert.ThrowsAsync<ProtocolException>(() => receive).WaitAsync(Timeout);
            Assert.Equal(ProtocolError.OversizeFrame, error.Error);
        }
    }

    [Fact]
    public async Task ReceiveAsync_Cancelled_WhileNothingCame_Throws_AndTheConnectionStillDelivers()
    {
        var (client, server) = await LoopbackPairAsync();
        using (client)
        using (server)
        {
            await using var readAhead = new ReadAhead(new FrameReader(server));
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => readAhead.ReceiveAsync(cts.Token).AsTask()).WaitAsync(Timeout);

            await client.WriteAsync(MessageCodec.EncodeFrame(new Ping(9)));
            Assert.Equal(new Ping(9), await readAhead.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task DisposeAsync_WhileTheTaskWaitsForTheNetwork_Returns()
    {
        var (client, server) = await LoopbackPairAsync();
        using (client)
        {
            var readAhead = new ReadAhead(new FrameReader(server));
            var pending = readAhead.ReceiveAsync(CancellationToken.None).AsTask();
            await server.DisposeAsync();
            await readAhead.DisposeAsync().AsTask().WaitAsync(Timeout);

            // The pending receive ends too: with the stream's end when the socket read was already waiting, with an
            // error when the task had not started it yet (both happen; which one is a race of the test's own making).
            Assert.Same(pending, await Task.WhenAny(pending, Task.Delay(Timeout)));
            if (pending.IsCompletedSuccessfully)
            {
                Assert.Null(await pending);
            }
        }
    }

    private static async Task<byte[]> EncodeAsync(IReadOnlyList<ProtocolMessage> messages)
    {
        using var stream = new MemoryStream();
        using (var writer = new FrameWriter(stream))
        {
            await writer.WriteAsync(messages, CancellationToken.None).AsTask().WaitAsync(Timeout);
        }

        return stream.ToArray();
    }

    private static async Task<(Stream Client, Stream Server)> LoopbackPairAsync()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, ((System.Net.IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(Timeout);
        var server = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);
        return (client.GetStream(), server.GetStream());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(5);
        }
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Interlocked.Add(ref _read, n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _read, n);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
