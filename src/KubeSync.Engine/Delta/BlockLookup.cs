using System.Numerics;
using System.Runtime.CompilerServices;

namespace KubeSync.Engine.Delta;

/// <summary>
/// The sender's index of a signature's full-size blocks by weak checksum. A bit filter (about 16 bits per
/// block) answers most misses without a dictionary probe (<see cref="MayContain"/>, called for every byte
/// position); the strong hash is computed only when a weak checksum matches.
/// </summary>
/// <remarks>
/// Blocks with the same weak and strong sums are indexed once (the first), and at most
/// <see cref="MaxCandidates"/> blocks are tried per position, so a hostile signature full of colliding weak
/// sums cannot make the encoder quadratic.
/// </remarks>
internal sealed class BlockLookup
{
    internal const int MaxCandidates = 16;

    private readonly BlockSignature _signature;
    private readonly ulong[] _filter;
    private readonly int _filterShift;
    private readonly Dictionary<uint, int> _first = [];
    private readonly int[] _next;

    public BlockLookup(BlockSignature signature)
    {
        _signature = signature;
        _next = new int[signature.BlockCount];

        // 2^16 to 2^24 bits (8 KiB to 2 MiB), about 16 bits per block: few false positives, cache-friendly.
        var filterBits = Math.Clamp(BitOperations.Log2((uint)Math.Max(1, signature.BlockCount)) + 5, 16, 24);
        _filter = new ulong[(1 << filterBits) / 64];
        _filterShift = 32 - filterBits;
        var fullBlocks = signature.LastBlockLength == signature.BlockSize ? signature.BlockCount : signature.BlockCount - 1;
        for (var i = fullBlocks - 1; i >= 0; i--)
        {
            Add(i);
        }
    }

    /// <summary>
    /// Finds a full-size basis block equal to <paramref name="window"/> (whose weak checksum is
    /// <paramref name="weak"/>), trying <paramref name="preferred"/> first so that copy runs stay long.
    /// Returns the block index, or -1.
    /// </summary>
    public int Find(uint weak, ReadOnlySpan<byte> window, int preferred)
    {
        if (!MayContain(weak))
        {
            return -1;
        }

        Span<byte> strong = stackalloc byte[DeltaLimits.StrongHashLength];
        var haveStrong = false;
        if (preferred >= 0 && preferred < _signature.BlockCount && _signature.BlockSize == _signature.GetBlockLength(preferred)
            && _signature.GetWeak(preferred) == weak)
        {
            SignatureBuilder.ComputeStrongHash(window, strong, _signature.Kind);
            haveStrong = true;
            if (strong[.._signature.StrongLength].SequenceEqual(_signature.GetStrong(preferred)))
            {
                return preferred;
            }
        }

        if (!_first.TryGetValue(weak, out var candidate))
        {
            return -1;
        }

        if (!haveStrong)
        {
            SignatureBuilder.ComputeStrongHash(window, strong, _signature.Kind);
        }

        for (var tried = 0; candidate >= 0 && tried < MaxCandidates; tried++, candidate = _next[candidate])
        {
            if (strong[.._signature.StrongLength].SequenceEqual(_signature.GetStrong(candidate)))
            {
                return candidate;
            }
        }

        return -1;
    }

    /// <summary>Whether <paramref name="window"/> equals the basis's short last block (matched only at the end of the new content).</summary>
    public bool MatchesLastBlock(ReadOnlySpan<byte> window)
    {
        var last = _signature.BlockCount - 1;
        if (last < 0 || window.Length != _signature.LastBlockLength || RollingChecksum.Compute(window) != _signature.GetWeak(last))
        {
            return false;
        }

        Span<byte> strong = stackalloc byte[DeltaLimits.StrongHashLength];
        SignatureBuilder.ComputeStrongHash(window, strong, _signature.Kind);
        return strong[.._signature.StrongLength].SequenceEqual(_signature.GetStrong(last));
    }

    /// <summary>False when no full-size block has weak checksum <paramref name="weak"/>; true means "probably".</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayContain(uint weak)
    {
        var key = FilterKey(weak);
        return (_filter[key >> 6] & (1UL << (int)(key & 63))) != 0;
    }

    // Fibonacci hashing: the multiply spreads both 16-bit halves of the checksum over the top bits.
    private uint FilterKey(uint weak) => (weak * 0x9E3779B1u) >> _filterShift;

    private void Add(int index)
    {
        var weak = _signature.GetWeak(index);
        var key = FilterKey(weak);
        _filter[key >> 6] |= 1UL << (int)(key & 63);
        if (_first.TryGetValue(weak, out var head) && _signature.GetStrong(head).SequenceEqual(_signature.GetStrong(index)))
        {
            // Same content as a later block already indexed; keep the lower index (added last, so it heads the chain).
            _next[index] = _next[head];
            _first[weak] = index;
            return;
        }

        _next[index] = _first.TryGetValue(weak, out head) ? head : -1;
        _first[weak] = index;
    }
}
