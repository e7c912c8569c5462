namespace KubeSync.Sidecar.Cli;

/// <summary>The command line asks for something that does not exist (a group, a path outside every root).</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException()
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
