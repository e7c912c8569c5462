using System.Security.Cryptography.X509Certificates;

using KubeSync.Kubernetes.Config;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;
using KubeSync.Testing.Emulation;
using KubeSync.Testing.FakeApi;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>A fake API server, a client for it, and an emulator running against it; the journal goes to the test output.</summary>
internal sealed class EmulatedCluster : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;

    private EmulatedCluster(FakeKubeApiServer server, KubeApiClient client, ClusterEmulator emulator, ITestOutputHelper output)
    {
        Server = server;
        Client = client;
        Emulator = emulator;
        _output = output;
    }

    public FakeKubeApiServer Server { get; }

    public KubeApiClient Client { get; }

    public ClusterEmulator Emulator { get; }

    public static async Task<EmulatedCluster> StartAsync(ITestOutputHelper output, EmulatorOptions? options = null)
    {
        var server = await FakeKubeApiServer.StartAsync().WithTimeout("fake API server start");
        var client = new KubeApiClient(new KubeClientConfig
        {
            Server = server.BaseAddress,
            CertificateAuthority = [X509CertificateLoader.LoadCertificate(server.Authority.Certificate.RawData)],
            Token = server.Token,
            RequestTimeout = TimeSpan.FromSeconds(10),
        });
        options ??= new EmulatorOptions();
        options = options with
        {
            Log = options.Log ?? output.WriteLine,

            // Quick restarts and probes: the tests wait for them.
            RestartBackoff = TimeSpan.FromMilliseconds(500),
            MaxRestartBackoff = TimeSpan.FromSeconds(4),
            MaxProbePeriod = options.MaxProbePeriod ?? TimeSpan.FromSeconds(1),
        };
        var emulator = await ClusterEmulator.StartAsync(client, options).WithTimeout("emulator start");
        return new EmulatedCluster(server, client, emulator, output);
    }

    /// <summary>Polls <paramref name="condition"/>; on timeout the failure shows the emulator's journal and the containers' logs.</summary>
    public async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        await Eventually.TrueAsync(condition, () => $"{what}\n{Emulator.Describe()}", timeout ?? TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
        Assert.True(Emulator.Errors.Count == 0, $"the emulator's passes failed:\n{string.Join("\n", Emulator.Errors)}");
        _ = _output;
    }
}
