using System.Runtime.CompilerServices;

namespace KubeSync.Engine.Delta;

/// <summary>
/// rsync's weak checksum over a window of bytes: <c>a = Σ xᵢ</c>, <c>b = Σ (n − i)·xᵢ</c>, both mod 2¹⁶,
/// value <c>a | b &lt;&lt; 16</c>. Moving the window one byte costs O(1) (<see cref="Roll"/>).
/// </summary>
/// <remarks>
/// The sums are kept in 32 bits and truncated when read; 2¹⁶ divides 2³², so wrapping arithmetic gives the
/// same low 16 bits as reducing every step.
/// </remarks>
public struct RollingChecksum
{
    private uint _a;
    private uint _b;
    private int _length;

    /// <summary>The checksum of the current window.</summary>
    public readonly uint Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (_a & 0xFFFF) | (_b << 16);
    }

    /// <summary>Number of bytes in the window.</summary>
    public readonly int Length => _length;

    /// <summary>Checksum of <paramref name="window"/> computed from scratch.</summary>
    public static uint Compute(ReadOnlySpan<byte> window)
    {
        var checksum = default(RollingChecksum);
        checksum.Reset(window);
        return checksum.Value;
    }

    /// <summary>Starts over with <paramref name="window"/> as the window.</summary>
    public void Reset(ReadOnlySpan<byte> window)
    {
        uint a = 0;
        uint b = 0;
        var n = (uint)window.Length;
        for (var i = 0; i < window.Length; i++)
        {
            a += window[i];
            b += (n - (uint)i) * window[i];
        }

        _a = a;
        _b = b;
        _length = window.Length;
    }

    /// <summary>Moves the window one byte: <paramref name="outgoing"/> leaves at the front, <paramref name="incoming"/> enters at the back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Roll(byte outgoing, byte incoming)
    {
        _a = _a - outgoing + incoming;
        _b = _b - ((uint)_length * outgoing) + _a;
    }
}
