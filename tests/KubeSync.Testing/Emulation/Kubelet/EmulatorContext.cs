namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>What every pod of one emulator shares: options, journal, mount points made on the host, the temp directory.</summary>
internal sealed record EmulatorContext(EmulatorOptions Options, EmulatorJournal Journal, HostMountTargets Targets, string Directory);
