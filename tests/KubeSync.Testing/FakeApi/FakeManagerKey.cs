namespace KubeSync.Testing.FakeApi;

/// <summary>One <c>managedFields</c> entry's identity: manager, operation (<c>Apply</c>/<c>Update</c>), subresource.</summary>
internal readonly record struct FakeManagerKey(string Manager, string Operation, string? Subresource);
