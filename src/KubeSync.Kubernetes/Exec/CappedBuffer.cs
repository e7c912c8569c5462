using System.Buffers;
using System.Text;

namespace KubeSync.Kubernetes.Exec;

/// <summary>Keeps the first <c>limit</c> bytes written and notes that more came.</summary>
internal sealed class CappedBuffer
{
    private readonly ArrayBufferWriter<byte> _bytes = new();
    private readonly int _limit;

    public CappedBuffer(int limit)
    {
        _limit = limit;
    }

    public bool Truncated { get; private set; }

    /// <summary>Decoded at the end, so a character split across frames stays whole.</summary>
    public string Text => Encoding.UTF8.GetString(_bytes.WrittenSpan);

    public void Append(ReadOnlySpan<byte> data)
    {
        var room = _limit - _bytes.WrittenCount;
        if (data.Length > room)
        {
            Truncated = true;
            data = data[..Math.Max(room, 0)];
        }

        _bytes.Write(data);
    }
}
