namespace KubeSync.Engine.Diffing;

/// <summary>
/// A shortest edit script between two sequences of line ids: Myers' O(ND) algorithm in its linear-space form
/// (find the middle snake, recurse on both sides), after trimming the common prefix and suffix of every range.
/// </summary>
internal static class MyersDiff
{
    /// <summary>
    /// Marks the elements of <paramref name="a"/> that the script deletes and those of <paramref name="b"/> that it
    /// inserts. The unmarked elements of both, in order, are a longest common subsequence.
    /// </summary>
    public static (bool[] Removed, bool[] Added) Compare(int[] a, int[] b)
    {
        var removed = new bool[a.Length];
        var added = new bool[b.Length];

        // A line that never occurs on the other side cannot be part of any common subsequence: leaving such lines
        // out keeps the script minimal and turns "everything changed" into linear work instead of O(N²).
        var inB = b.ToHashSet();
        var inA = a.ToHashSet();
        var aKept = Keep(a, inB, removed);
        var bKept = Keep(b, inA, added);

        var fa = aKept.Select(i => a[i]).ToArray();
        var fb = bKept.Select(i => b[i]).ToArray();
        var state = new State(fa, fb);
        state.Compare(0, fa.Length, 0, fb.Length);
        for (var i = 0; i < fa.Length; i++)
        {
            removed[aKept[i]] = state.Removed[i];
        }

        for (var i = 0; i < fb.Length; i++)
        {
            added[bKept[i]] = state.Added[i];
        }

        return (removed, added);
    }

    private static List<int> Keep(int[] lines, HashSet<int> other, bool[] changed)
    {
        var kept = new List<int>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            if (other.Contains(lines[i]))
            {
                kept.Add(i);
            }
            else
            {
                changed[i] = true;
            }
        }

        return kept;
    }

    private sealed class State(int[] a, int[] b)
    {
        // Furthest-reaching x per diagonal, forward and (on the reversed sequences) backward; index = diagonal + offset,
        // diagonals reach ±(max + 1) with max = (n + m + 1) / 2.
        private readonly int[] _forward = new int[a.Length + b.Length + 5];
        private readonly int[] _backward = new int[a.Length + b.Length + 5];

        public bool[] Removed { get; } = new bool[a.Length];

        public bool[] Added { get; } = new bool[b.Length];

        public void Compare(int aLo, int aHi, int bLo, int bHi)
        {
            while (aLo < aHi && bLo < bHi && a[aLo] == b[bLo])
            {
                aLo++;
                bLo++;
            }

            while (aLo < aHi && bLo < bHi && a[aHi - 1] == b[bHi - 1])
            {
                aHi--;
                bHi--;
            }

            if (aLo == aHi)
            {
                Array.Fill(Added, true, bLo, bHi - bLo);
                return;
            }

            if (bLo == bHi)
            {
                Array.Fill(Removed, true, aLo, aHi - aLo);
                return;
            }

            // Both ranges are non-empty and differ at both ends, so the script has at least two edits and each half
            // of the split below is strictly smaller: the recursion ends.
            var (xStart, yStart, xEnd, yEnd) = MiddleSnake(aLo, aHi, bLo, bHi);
            Compare(aLo, aLo + xStart, bLo, bLo + yStart);
            Compare(aLo + xEnd, aHi, bLo + yEnd, bHi);
        }

        /// <summary>
        /// Runs the search from both corners at once until the paths meet; returns the snake (diagonal run) where they
        /// meet, in coordinates relative to (aLo, bLo). The shortest script passes through it.
        /// </summary>
        private (int XStart, int YStart, int XEnd, int YEnd) MiddleSnake(int aLo, int aHi, int bLo, int bHi)
        {
            var n = aHi - aLo;
            var m = bHi - bLo;
            var delta = n - m;
            var odd = (delta & 1) != 0;
            var max = (n + m + 1) / 2;
            var offset = max + 1;
            var forward = _forward;
            var backward = _backward;
            forward[offset + 1] = 0;
            backward[offset + 1] = 0;

            for (var d = 0; d <= max; d++)
            {
                // Forward: diagonal k = x - y from the top-left corner.
                for (var k = -d; k <= d; k += 2)
                {
                    var x = k == -d || (k != d && forward[offset + k - 1] < forward[offset + k + 1])
                        ? forward[offset + k + 1]
                        : forward[offset + k - 1] + 1;
                    var y = x - k;
                    var (xs, ys) = (x, y);
                    while (x < n && y < m && a[aLo + x] == b[bLo + y])
                    {
                        x++;
                        y++;
                    }

                    forward[offset + k] = x;
                    var c = delta - k;
                    if (odd && c >= -(d - 1) && c <= d - 1 && x + backward[offset + c] >= n)
                    {
                        return (xs, ys, x, y);
                    }
                }

                // Backward: diagonal c = u - v where u, v count from the bottom-right corner; c = delta - k.
                for (var c = -d; c <= d; c += 2)
                {
                    var u = c == -d || (c != d && backward[offset + c - 1] < backward[offset + c + 1])
                        ? backward[offset + c + 1]
                        : backward[offset + c - 1] + 1;
                    var v = u - c;
                    var (us, vs) = (u, v);
                    while (u < n && v < m && a[aHi - 1 - u] == b[bHi - 1 - v])
                    {
                        u++;
                        v++;
                    }

                    backward[offset + c] = u;
                    var k = delta - c;
                    if (!odd && k >= -d && k <= d && forward[offset + k] + u >= n)
                    {
                        return (n - u, m - v, n - us, m - vs);
                    }
                }
            }

            throw new InvalidOperationException("the forward and backward searches did not meet");
        }
    }
}
