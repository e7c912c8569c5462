using System.Security.Cryptography;
using System.Text;

namespace KubeSync.Engine.Security;

/// <summary>
/// The group's shared key (csync2 <c>-k</c>): 64 characters of URL-safe base64 (384 random bits) on one line.
/// Members prove they hold it in the handshake; it never travels.
/// </summary>
public static class GroupKey
{
    public const int Length = 64;

    /// <summary>A new random key.</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '-').Replace('/', '_');

    /// <summary>Writes a new key to <paramref name="path"/> (mode 0600, atomically); refuses to replace an existing file unless <paramref name="overwrite"/>.</summary>
    public static void WriteNew(string path, bool overwrite)
    {
        if (!overwrite && File.Exists(path))
        {
            throw new IOException($"{path} exists; a new key would lock out every member using it (pass --force to replace it)");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(Encoding.ASCII.GetBytes(Generate() + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads and checks a key file.</summary>
    public static byte[] Read(string path)
    {
        var text = File.ReadAllText(path).Trim();
        if (text.Length < 32 || text.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '+' and not '/' and not '='))
        {
            throw new InvalidDataException($"{path} does not hold a group key (expected one line of at least 32 base64 characters; make one with kubesync keygen)");
        }

        return Encoding.ASCII.GetBytes(text);
    }
}
