namespace KubeSync.Testing.FakeApi;

/// <summary>A scripted command for the fake's pods/exec: writes output through <paramref name="context"/> and returns the exit code.</summary>
public delegate Task<int> FakeExecHandler(FakeExecContext context, CancellationToken cancellationToken);
