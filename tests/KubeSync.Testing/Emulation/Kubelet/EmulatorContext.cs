namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>What every pod of one emulator shares: options, journal, mount points made on the host, the temp directory.</summary>
/// <param name="Failed">Reports what the emulator could not do (a pod it cannot run): the test sees it in <see cref="ClusterEmulator.Errors"/>.</param>
internal sealed record EmulatorContext(EmulatorOptions Options, EmulatorJournal Journal, HostMountTargets Targets, string Directory, Action<string> Failed);
