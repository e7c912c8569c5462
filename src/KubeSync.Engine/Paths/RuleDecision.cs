namespace KubeSync.Engine.Paths;

/// <summary>What the tree walker does with a path, as decided by <see cref="SyncRules.Evaluate(SyncPath)"/>.</summary>
public enum RuleDecision
{
    /// <summary>Not synced, and nothing below it is: skip the path and its whole subtree.</summary>
    Exclude,

    /// <summary>
    /// Not synced itself, but something below it may be (an ancestor of an included path, such as <c>etc</c>
    /// when only <c>/etc/apache</c> is included): descend into it without recording it.
    /// </summary>
    Traverse,

    /// <summary>Synced; if it is a directory, the walker descends and evaluates each entry.</summary>
    Include,
}
