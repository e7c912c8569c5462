namespace KubeSync.Engine.State;

/// <summary>The state database cannot be used as it is (another group's, a newer schema, corrupt). The message says what to do.</summary>
public sealed class StateStoreException : Exception
{
    public StateStoreException(string message)
        : base(message)
    {
    }

    public StateStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StateStoreException()
    {
    }
}
