namespace KubeSync.Testing.Emulation;

/// <summary>
/// Which images run as real processes. An image matches an entry when its repository (the reference without tag
/// and digest) ends with the entry's suffix at a path boundary: <c>ghcr.io/acme/kubesync:0.1</c> matches
/// <c>kubesync</c>. Images matching nothing are "pretend-running": started, ready and never exiting, with no process.
/// </summary>
public sealed class ImageTable
{
    private readonly List<(string Suffix, ContainerImage Image)> _entries = [];

    /// <summary>The usual table: <c>kubesync</c> (the built executable) and, when installed, <c>nginx</c>.</summary>
    public static ImageTable Default()
    {
        var table = new ImageTable().Add("kubesync", ContainerImage.KubeSync());
        return File.Exists("/usr/sbin/nginx") ? table.Add("nginx", ContainerImage.Nginx()) : table;
    }

    /// <summary>Maps repositories ending in <paramref name="repositorySuffix"/> to <paramref name="image"/>; later entries win.</summary>
    public ImageTable Add(string repositorySuffix, ContainerImage image)
    {
        _entries.Insert(0, (repositorySuffix.Trim('/'), image));
        return this;
    }

    /// <summary>The host stand-in for <paramref name="image"/>, or null to pretend it runs.</summary>
    public ContainerImage? Find(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return null;
        }

        var repository = Repository(image);
        return _entries.FirstOrDefault(e => repository == e.Suffix || repository.EndsWith("/" + e.Suffix, StringComparison.Ordinal)).Image;
    }

    /// <summary><c>registry:5000/a/b:tag@sha256:...</c> → <c>registry:5000/a/b</c>.</summary>
    public static string Repository(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var reference = image.Split('@')[0];
        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        return colon > slash ? reference[..colon] : reference;
    }
}
