namespace KubeSync.Engine.Tests.Delta;

/// <summary>Random content and random edits of it (insertions, deletions, changes, appends, truncations) from a seeded generator.</summary>
internal static class RandomEdits
{
    public static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Applies between 0 and <paramref name="maxEdits"/> random edits to a copy of <paramref name="basis"/>.</summary>
    public static byte[] Apply(Random random, byte[] basis, int maxEdits = 6)
    {
        var content = new List<byte>(basis);
        var edits = random.Next(maxEdits + 1);
        for (var i = 0; i < edits; i++)
        {
            var at = random.Next(content.Count + 1);
            var length = random.Next(1, Math.Max(2, Math.Min(5000, (content.Count / 4) + 2)));
            switch (random.Next(5))
            {
                case 0:
                    content.InsertRange(at, Bytes(random, length));
                    break;
                case 1:
                    content.RemoveRange(at, Math.Min(length, content.Count - at));
                    break;
                case 2:
                    var changed = Math.Min(length, content.Count - at);
                    for (var j = 0; j < changed; j++)
                    {
                        content[at + j] ^= (byte)random.Next(1, 256);
                    }

                    break;
                case 3:
                    content.AddRange(Bytes(random, length));
                    break;
                default:
                    content.RemoveRange(Math.Max(0, content.Count - length), Math.Min(length, content.Count));
                    break;
            }
        }

        return [.. content];
    }
}
