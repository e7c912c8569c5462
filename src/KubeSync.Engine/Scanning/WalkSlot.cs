using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Scanning;

/// <summary>
/// One sort key of a directory listing: an entry (<paramref name="Item"/> set) or the marker to descend into a
/// subdirectory (<paramref name="Item"/> null). Kept in a <see cref="WalkSlotList"/>, whose code ReadyToRun
/// precompiles (a framework list or sort over it would be JIT-compiled on every run).
/// </summary>
internal readonly record struct WalkSlot(string Key, WalkItem? Item, byte[] Name, SyncPath? Path)
{
    public static int Compare(WalkSlot a, WalkSlot b) => Utf8Order.Compare(a.Key, b.Key);
}
