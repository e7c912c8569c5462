namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// Mount points that did not exist on the host (a container's <c>/etc/kubesync</c>, say): a bind mount needs its
/// target to exist, and mount namespaces share the file system, so the emulator creates them on the host and
/// removes exactly what it created (if still empty) when it is disposed. Shared by all pods of one emulator.
/// </summary>
internal sealed class HostMountTargets
{
    private readonly List<string> _created = [];
    private readonly Lock _lock = new();

    /// <summary>Makes <paramref name="path"/> exist as a directory (or, with <paramref name="file"/>, an empty file).</summary>
    public void Ensure(string path, bool file)
    {
        lock (_lock)
        {
            if (Path.Exists(path))
            {
                return;
            }

            var missing = new Stack<string>();
            for (var dir = Path.GetDirectoryName(path); dir is not null && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
            {
                missing.Push(dir);
            }

            foreach (var dir in missing)
            {
                Directory.CreateDirectory(dir);
                _created.Add(dir);
            }

            if (file)
            {
                File.WriteAllBytes(path, []);
            }
            else
            {
                Directory.CreateDirectory(path);
            }

            _created.Add(path);
        }
    }

    /// <summary>What was created and is still there; a test checks cleanup with it.</summary>
    public IReadOnlyList<string> Created
    {
        get
        {
            lock (_lock)
            {
                return [.. _created];
            }
        }
    }

    /// <summary>Removes what <see cref="Ensure"/> created, deepest first, leaving anything something else put inside.</summary>
    public void Remove()
    {
        lock (_lock)
        {
            foreach (var path in Enumerable.Reverse(_created))
            {
                try
                {
                    if (File.Exists(path) && new FileInfo(path).Length == 0)
                    {
                        File.Delete(path);
                    }
                    else if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
                    {
                        Directory.Delete(path);
                    }
                }
                catch (IOException)
                {
                    // Still a mount point of a process that has not exited yet; the OS keeps it busy.
                }
            }

            _created.Clear();
        }
    }
}
