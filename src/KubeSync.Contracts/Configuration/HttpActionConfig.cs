namespace KubeSync.Contracts.Configuration;

/// <summary><c>actions[].http</c>: <c>{url, method}</c>; the body is JSON listing the changed paths.</summary>
public sealed record HttpActionConfig(Uri Url, string Method);
