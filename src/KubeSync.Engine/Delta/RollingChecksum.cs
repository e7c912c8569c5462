using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    /// <remarks>
    /// Called once per block on both sides (every basis block for the signature, every window after a match for
    /// the sender), so it is vectorised: that is a whole pass over the file each time. The shipped executable is
    /// compiled ahead of time for x86-64-v2, where <see cref="Avx2.IsSupported"/> is false when it is compiled (there is
    /// no JIT to ask the CPU later), so it takes the SSSE3 path; a JIT-compiled process on an AVX2 machine takes the
    /// wider one, and an arm64 build the portable 128-bit one.
    /// </remarks>
    public void Reset(ReadOnlySpan<byte> window)
    {
        var (a, b) = Avx2.IsSupported && window.Length >= 2 * Vector256<byte>.Count
            ? SumsAvx2(window)
            : Ssse3.IsSupported && window.Length >= 2 * Vector128<byte>.Count
                ? SumsSsse3(window)
                : Vector128.IsHardwareAccelerated && window.Length >= 2 * Vector128<byte>.Count
                    ? SumsVector128(window)
                    : SumsScalar(window, 0, 0, 0);
        _a = a;
        _b = b;
        _length = window.Length;
    }

    /// <summary>The sums of <c>window[from..]</c> added to <paramref name="a"/> and <paramref name="b"/>, weights counted from the window's end.</summary>
    internal static (uint A, uint B) SumsScalar(ReadOnlySpan<byte> window, int from, uint a, uint b)
    {
        var n = (uint)window.Length;
        for (var i = from; i < window.Length; i++)
        {
            a += window[i];
            b += (n - (uint)i) * window[i];
        }

        return (a, b);
    }

    /// <remarks>
    /// 32 bytes at a time: for the chunk at offset k, <c>a</c> gains its byte sum S and <c>b</c> gains
    /// <c>(n − k)·S − Σ j·x(k+j)</c>. With chunk c at k = 32c, <c>Σ (n − 32c)·S_c = n·ΣS − 32·Σ c·S_c</c>, and
    /// <c>Σ c·S_c</c> comes from adding the running byte sum into a second accumulator before each chunk. All
    /// arithmetic wraps mod 2³², as the scalar loop's does, so the result is the same bit for bit.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Not precompiled (AVX2), so skip the unoptimised first tier.
    private static (uint A, uint B) SumsAvx2(ReadOnlySpan<byte> window)
    {
        var chunks = window.Length / Vector256<byte>.Count;
        var weights = Vector256.Create((sbyte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        var ones = Vector256.Create((short)1);
        var sums = Vector256<ulong>.Zero;
        var prefix = Vector256<ulong>.Zero;
        var weighted = Vector256<int>.Zero;
        ref var start = ref MemoryMarshal.GetReference(window);
        for (var c = 0; c < chunks; c++)
        {
            var x = Vector256.LoadUnsafe(ref start, (nuint)(c * Vector256<byte>.Count));
            prefix += sums;
            sums += Avx2.SumAbsoluteDifferences(x, Vector256<byte>.Zero).AsUInt64();
            weighted += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, weights), ones);
        }

        return Combine(window, Vector256<byte>.Count, chunks, (uint)Vector256.Sum(sums), (uint)Vector256.Sum(prefix), (uint)Vector256.Sum(weighted));
    }

    /// <summary>
    /// <see cref="SumsAvx2"/> 16 bytes at a time, with the same algebra (chunk c at k = 16c). <c>pmaddubsw</c> multiplies
    /// unsigned bytes by signed weights 0..15 into 16-bit pairs, at most 2·255·15 = 7,650, so nothing saturates.
    /// </summary>
    /// <remarks>Internal so that tests run it on any x86 machine, whichever path <see cref="Reset"/> takes there.</remarks>
    internal static (uint A, uint B) SumsSsse3(ReadOnlySpan<byte> window)
    {
        var chunks = window.Length / Vector128<byte>.Count;
        var weights = Vector128.Create((sbyte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var ones = Vector128.Create((short)1);
        var sums = Vector128<ulong>.Zero;
        var prefix = Vector128<ulong>.Zero;
        var weighted = Vector128<int>.Zero;
        ref var start = ref MemoryMarshal.GetReference(window);
        for (var c = 0; c < chunks; c++)
        {
            var x = Vector128.LoadUnsafe(ref start, (nuint)(c * Vector128<byte>.Count));
            prefix += sums;
            sums += Sse2.SumAbsoluteDifferences(x, Vector128<byte>.Zero).AsUInt64();
            weighted += Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(x, weights), ones);
        }

        return Combine(window, Vector128<byte>.Count, chunks, (uint)Vector128.Sum(sums), (uint)Vector128.Sum(prefix), (uint)Vector128.Sum(weighted));
    }

    /// <summary>
    /// The same sums with .NET's portable 128-bit operations, for CPUs without SSSE3 (arm64: they become NEON's
    /// widening adds and multiplies). Per 16-byte chunk the bytes are widened to two halves of eight 16-bit lanes: their
    /// sum (at most 2·255 a lane) and their sum weighted by 0..15 (at most 255·7 + 255·15 = 5,610 a lane) are widened
    /// again and added into 32-bit lanes.
    /// </summary>
    /// <remarks>Internal so that tests run it on any machine, whichever path <see cref="Reset"/> takes there.</remarks>
    internal static (uint A, uint B) SumsVector128(ReadOnlySpan<byte> window)
    {
        var chunks = window.Length / Vector128<byte>.Count;
        var lowWeights = Vector128.Create((ushort)0, 1, 2, 3, 4, 5, 6, 7);
        var highWeights = Vector128.Create((ushort)8, 9, 10, 11, 12, 13, 14, 15);
        var sums = Vector128<uint>.Zero;
        var prefix = Vector128<uint>.Zero;
        var weighted = Vector128<uint>.Zero;
        ref var start = ref MemoryMarshal.GetReference(window);
        for (var c = 0; c < chunks; c++)
        {
            var x = Vector128.LoadUnsafe(ref start, (nuint)(c * Vector128<byte>.Count));
            var (low, high) = Vector128.Widen(x);
            var pairs = low + high;
            var products = (low * lowWeights) + (high * highWeights);
            prefix += sums;
            sums += Vector128.WidenLower(pairs) + Vector128.WidenUpper(pairs);
            weighted += Vector128.WidenLower(products) + Vector128.WidenUpper(products);
        }

        return Combine(window, Vector128<byte>.Count, chunks, Vector128.Sum(sums), Vector128.Sum(prefix), Vector128.Sum(weighted));
    }

    /// <summary>
    /// The vector paths' common end: from the byte sum of the whole chunks (<paramref name="total"/>), the sum of the
    /// running sums before each chunk (<paramref name="prefix"/>) and the in-chunk weighted sum, the window's
    /// <c>a</c> and <c>b</c> over those chunks (see <see cref="SumsAvx2"/>), then the tail byte by byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint A, uint B) Combine(ReadOnlySpan<byte> window, int chunkLength, int chunks, uint total, uint prefix, uint weighted)
    {
        var indexed = ((uint)(chunks - 1) * total) - prefix;
        var b = ((uint)window.Length * total) - ((uint)chunkLength * indexed) - weighted;
        return SumsScalar(window, chunks * chunkLength, total, b);
    }

    /// <summary>Moves the window one byte: <paramref name="outgoing"/> leaves at the front, <paramref name="incoming"/> enters at the back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Roll(byte outgoing, byte incoming)
    {
        _a = _a - outgoing + incoming;
        _b = _b - ((uint)_length * outgoing) + _a;
    }
}
