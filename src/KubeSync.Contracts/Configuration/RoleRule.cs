namespace KubeSync.Contracts.Configuration;

/// <summary><c>groups[].roles[]</c>: members whose pod labels match <paramref name="Selector"/> take <paramref name="Role"/>; the first matching rule wins.</summary>
public sealed record RoleRule(RoleSelector Selector, MemberRole Role);
