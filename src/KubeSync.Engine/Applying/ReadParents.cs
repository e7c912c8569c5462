using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Applying;

/// <summary>
/// The directory a reader opened last, kept open for the next file in it: one reader (a pusher going through its
/// owed rows in path order) reaches each directory from the root once instead of once per file. Held only while
/// that reader works through a page, so no descriptor outlives it.
/// </summary>
public sealed class ReadParents : IDisposable
{
    private string? _key;
    private ConfinedDirectory? _directory;

    internal ConfinedDirectory? Get(SyncPath path) => _directory is not null && _key == path.ParentValue ? _directory : null;

    internal void Keep(SyncPath path, ConfinedDirectory directory)
    {
        Dispose();
        _key = path.ParentValue;
        _directory = directory;
    }

    /// <summary>Closes the kept directory; the next read opens one again.</summary>
    public void Dispose()
    {
        _directory?.Dispose();
        _directory = null;
        _key = null;
    }
}
