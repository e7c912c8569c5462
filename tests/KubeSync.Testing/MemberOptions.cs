namespace KubeSync.Testing;

/// <summary>How one member of a <see cref="MemberGroup"/> differs from the group's defaults.</summary>
public sealed record MemberOptions
{
    /// <summary>The member gets a group key of its own instead of the group's: the others must refuse it (<c>bad_proof</c>).</summary>
    public bool ForeignKey { get; init; }

    /// <summary>The member gets a certificate from another CA and trusts only that CA: the others must refuse it (<c>tls</c>).</summary>
    public bool ForeignCertificateAuthority { get; init; }

    /// <summary>The address the member listens on and its peers dial.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>The listening port; a free loopback port when null.</summary>
    public int? Port { get; init; }

    /// <summary>A command the member runs under (<c>ip netns exec NS</c>); the process must exec, not fork, so its id stays the member's.</summary>
    public IReadOnlyList<string>? Prefix { get; init; }

    /// <summary>
    /// YAML added to the member's group entry, indented for it (four spaces), e.g. <c>    actions:</c> with its items:
    /// actions, rules and other per-member group keys.
    /// </summary>
    public string? GroupYaml { get; init; }

    /// <summary>Top-level keys added to the member's config, unindented, e.g. <c>labelsFile: /path/labels</c>.</summary>
    public string? ConfigYaml { get; init; }

    /// <summary>Keys added to the member's <c>timing</c> map, e.g. <c>drain: 5s</c>.</summary>
    public string? Timing { get; init; }

    /// <summary><c>watchConfig</c>: false, and only SIGHUP reloads the member's config; null leaves the key out (true).</summary>
    public bool? WatchConfig { get; init; }

    /// <summary>The members listed in <c>peers.static</c>; null lists every other member (outsiders aside).</summary>
    public IReadOnlyList<string>? StaticPeers { get; init; }

    /// <summary>A member refused by the others: its tree takes no part in <see cref="MemberGroup.WaitConvergedAsync(string[])"/>.</summary>
    public bool Outsider => ForeignKey || ForeignCertificateAuthority;
}
