using KubeSync.Engine.Paths;
using KubeSync.Engine.Scanning;

namespace KubeSync.Engine.Tests.Scanning;

public class WalkSlotListTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1000)]
    public void Sort_ShuffledListing_ByteOrderLikeUtf8Order(int count)
    {
        // Names that sort differently by UTF-16 and by UTF-8 bytes, upper and lower case, a directory marker's '/'.
        var keys = Enumerable.Range(0, count).Select(i => (i % 4) switch
        {
            0 => $"dir/file{i}",
            1 => $"dir/File{i}",
            2 => $"dir/\uFF21{i}",
            _ => $"dir/\U0001F600{i}/",
        }).ToList();
        var list = new WalkSlotList();
        foreach (var key in keys.OrderBy(_ => Random.Shared.Next()))
        {
            list.Add(new WalkSlot(key, null, [], null));
        }

        list.Sort();

        var sorted = Enumerable.Range(0, list.Count).Select(i => list[i].Key).ToList();
        Assert.Equal(keys.Order(Comparer<string>.Create(Utf8Order.Compare)), sorted);
    }

    [Fact]
    public void Sort_EqualKeys_KeepTheirOrder()
    {
        var list = new WalkSlotList();
        var names = Enumerable.Range(0, 40).Select(i => new[] { (byte)i }).ToArray();
        foreach (var name in names)
        {
            list.Add(new WalkSlot(name[0] % 2 == 0 ? "b" : "a", null, name, null));
        }

        list.Sort();

        var order = Enumerable.Range(0, list.Count).Select(i => list[i].Name[0]).ToArray();
        Assert.Equal(names.Where(n => n[0] % 2 == 1).Concat(names.Where(n => n[0] % 2 == 0)).Select(n => n[0]), order);
    }
}
