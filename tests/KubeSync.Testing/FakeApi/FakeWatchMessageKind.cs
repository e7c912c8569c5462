namespace KubeSync.Testing.FakeApi;

internal enum FakeWatchMessageKind
{
    /// <summary>ADDED, MODIFIED or DELETED.</summary>
    Event,
    Bookmark,

    /// <summary>An ERROR event, after which the stream ends.</summary>
    Error,

    /// <summary>Clean end of the stream.</summary>
    End,

    /// <summary>Stop writing but keep the connection open: a watch that hangs.</summary>
    Silence,
}
