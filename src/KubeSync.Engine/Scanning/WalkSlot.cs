using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Scanning;

/// <summary>
/// One sort key of a directory listing: an entry (<paramref name="Item"/> set) or the marker to descend into a
/// subdirectory (<paramref name="Item"/> null). A struct of this assembly rather than a tuple, so that ReadyToRun can
/// precompile the list and sort code instead of JIT-compiling it on every run.
/// </summary>
internal readonly record struct WalkSlot(string Key, WalkItem? Item, byte[] Name, SyncPath? Path)
{
    public static int Compare(WalkSlot a, WalkSlot b) => Utf8Order.Compare(a.Key, b.Key);
}
