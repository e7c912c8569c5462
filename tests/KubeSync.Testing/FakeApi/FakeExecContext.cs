using System.Net.WebSockets;
using System.Text;

namespace KubeSync.Testing.FakeApi;

/// <summary>One exec call as the scripted handler sees it: what was asked, and the output channels.</summary>
public sealed class FakeExecContext
{
    private readonly WebSocket _socket;
    private readonly Lock _send = new();
    private Task _last = Task.CompletedTask;

    internal FakeExecContext(WebSocket socket, string ns, string pod, string? container, IReadOnlyList<string> command, string protocol)
    {
        _socket = socket;
        Namespace = ns;
        Pod = pod;
        Container = container;
        Command = command;
        Protocol = protocol;
    }

    public string Namespace { get; }

    public string Pod { get; }

    public string? Container { get; }

    public IReadOnlyList<string> Command { get; }

    /// <summary>The negotiated subprotocol: <c>v5.channel.k8s.io</c> or <c>v4.channel.k8s.io</c>.</summary>
    public string Protocol { get; }

    public Task WriteStdoutAsync(string text, CancellationToken cancellationToken) => WriteAsync(1, Encoding.UTF8.GetBytes(text), cancellationToken);

    public Task WriteStderrAsync(string text, CancellationToken cancellationToken) => WriteAsync(2, Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Writes one frame: the channel byte, then the data.</summary>
    internal async Task WriteAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var frame = new byte[data.Length + 1];
        frame[0] = channel;
        data.CopyTo(frame.AsMemory(1));
        // A WebSocket allows one send at a time: chain each frame after the previous one.
        Task send;
        lock (_send)
        {
            var previous = _last;
            send = SendAfterAsync(previous, frame, cancellationToken);
            _last = send;
        }

        await send;
    }

    private async Task SendAfterAsync(Task previous, byte[] frame, CancellationToken cancellationToken)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
    }
}
