namespace KubeSync.Emulation.Tests;

/// <summary>Emulator tests run one at a time: each starts processes, namespaces and a bridge, and the machine is small.</summary>
[CollectionDefinition(Name)]
public sealed class EmulatorTestGroup
{
    public const string Name = "emulator";
}
