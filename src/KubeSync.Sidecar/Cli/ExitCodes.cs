namespace KubeSync.Sidecar.Cli;

/// <summary>Process exit codes, as csync2 uses them where it has one.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The work failed (I/O, state database).</summary>
    public const int Failed = 1;

    /// <summary>The configuration is invalid (also: <c>dirty</c> found nothing dirty, as csync2 <c>-M</c>, and <c>conflicts</c> found none).</summary>
    public const int ConfigError = 2;

    public const int NothingDirty = 2;

    /// <summary><c>conflicts</c> found no conflict (the same code as <see cref="NothingDirty"/>).</summary>
    public const int NoConflicts = 2;

    /// <summary><c>compare</c> and <c>diff</c> found no difference with any peer (the same code as <see cref="NothingDirty"/>).</summary>
    public const int Identical = 2;

    /// <summary>A command-line usage error (unknown path, unknown group).</summary>
    public const int Usage = 64;
}
