using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Scanning;

/// <summary>
/// One directory's listing, sorted by key in byte order. Deliberately not a <c>List&lt;WalkSlot&gt;</c>: code of a
/// framework generic over a type of this assembly lies outside ReadyToRun's version bubble, so the list, its
/// enumerator and the framework sort were JIT-compiled on every run and ran unoptimised (Tier0) through a whole scan.
/// Everything here is this assembly's own code and ships precompiled.
/// </summary>
internal sealed class WalkSlotList
{
    /// <summary>Runs up to this long are sorted by insertion; longer ones by merging sorted halves.</summary>
    private const int InsertionRun = 16;

    private WalkSlot[] _slots = new WalkSlot[16];
    private WalkSlot[] _scratch = [];

    public int Count { get; private set; }

    public WalkSlot this[int index] => index < Count ? _slots[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Add(WalkSlot slot)
    {
        if (Count == _slots.Length)
        {
            var grown = new WalkSlot[_slots.Length * 2];
            Array.Copy(_slots, grown, Count);
            _slots = grown;
        }

        _slots[Count++] = slot;
    }

    /// <summary>Sorts by <see cref="WalkSlot.Key"/> (byte order, <see cref="Utf8Order"/>); stable.</summary>
    public void Sort()
    {
        if (Count <= InsertionRun)
        {
            InsertionSort(_slots, 0, Count);
            return;
        }

        if (_scratch.Length < Count)
        {
            _scratch = new WalkSlot[_slots.Length];
        }

        MergeSort(_slots, _scratch, 0, Count);
    }

    private static void MergeSort(WalkSlot[] slots, WalkSlot[] scratch, int start, int end)
    {
        if (end - start <= InsertionRun)
        {
            InsertionSort(slots, start, end);
            return;
        }

        var middle = start + ((end - start) / 2);
        MergeSort(slots, scratch, start, middle);
        MergeSort(slots, scratch, middle, end);
        if (WalkSlot.Compare(slots[middle - 1], slots[middle]) <= 0)
        {
            return;
        }

        Array.Copy(slots, start, scratch, start, end - start);
        int left = start, right = middle, to = start;
        while (left < middle && right < end)
        {
            slots[to++] = WalkSlot.Compare(scratch[right], scratch[left]) < 0 ? scratch[right++] : scratch[left++];
        }

        while (left < middle)
        {
            slots[to++] = scratch[left++];
        }

        while (right < end)
        {
            slots[to++] = scratch[right++];
        }
    }

    private static void InsertionSort(WalkSlot[] slots, int start, int end)
    {
        for (var i = start + 1; i < end; i++)
        {
            var slot = slots[i];
            var j = i - 1;
            while (j >= start && WalkSlot.Compare(slots[j], slot) > 0)
            {
                slots[j + 1] = slots[j];
                j--;
            }

            slots[j + 1] = slot;
        }
    }
}
