using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Actions;

/// <summary>csync2's <c>%%</c>: an argument that is exactly <c>%%</c> becomes one argument per changed path; inside a longer argument it becomes the paths joined by spaces.</summary>
public static class ActionArguments
{
    public const string Placeholder = "%%";

    public static IReadOnlyList<string> Expand(IReadOnlyList<string> argv, IReadOnlyList<SyncPath> paths)
    {
        var result = new List<string>(argv.Count + paths.Count);
        foreach (var arg in argv)
        {
            if (arg == Placeholder)
            {
                result.AddRange(paths.Select(p => p.Value));
            }
            else
            {
                result.Add(arg.Replace(Placeholder, string.Join(' ', paths.Select(p => p.Value)), StringComparison.Ordinal));
            }
        }

        return result;
    }
}
