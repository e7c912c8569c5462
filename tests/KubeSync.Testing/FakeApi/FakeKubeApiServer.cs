using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeSync.Testing.FakeApi;

/// <summary>
/// An in-process Kubernetes API server with real semantics for what KubeSync uses: Kestrel on
/// 127.0.0.1 with HTTPS from a test CA and a bearer token, generic storage, watches, server-side apply,
/// pods/exec over WebSocket and the discovery documents kubectl needs.
/// </summary>
public sealed class FakeKubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _serverCertificate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private int _watchRejections;
    private int _emptyWatches;
    private int _watchRejectionCode;

    private FakeKubeApiServer(FakeKubeApiServerOptions options)
    {
        Options = options;
        Token = options.Token ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        Authority = TestCertificateAuthority.Create();
        _serverCertificate = Authority.IssueServerCertificate(["localhost"], [IPAddress.Loopback]);
        Store = new FakeObjectStore(options.TimeProvider);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = _serverCertificate,

                // Either credential works, as on a real server: a bearer token, or a client certificate from the test CA.
                ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = (certificate, _, _) => Authority.Verifies(certificate),
            });
        }));
        _app = builder.Build();
        _app.UseWebSockets();
        var router = new FakeApiRouter(this);
        _app.Run(router.HandleAsync);
    }

    public FakeKubeApiServerOptions Options { get; }

    /// <summary><c>https://127.0.0.1:{port}</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The bearer token every request must carry.</summary>
    public string Token { get; }

    /// <summary>The CA that signed the server certificate; trust it in clients.</summary>
    public TestCertificateAuthority Authority { get; }

    public FakeResourceRegistry Resources { get; } = new();

    public FakeObjectStore Store { get; }

    /// <summary>The script behind pods/exec.</summary>
    public FakeExecHandler? ExecHandler { get; set; }

    /// <summary>Every request so far, as <c>METHOD /path?query PROTOCOL</c>.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    internal CancellationToken Stopping => _stopping.Token;

    public static async Task<FakeKubeApiServer> StartAsync(FakeKubeApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = new FakeKubeApiServer(options ?? new FakeKubeApiServerOptions());
        await server._app.StartAsync(cancellationToken);
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>Ends every open watch cleanly (EOF), as the server does when its watch timeout passes.</summary>
    public void EndWatches() => Store.Broadcast(new FakeWatchMessage(FakeWatchMessageKind.End));

    /// <summary>Sends an ERROR event (410 Expired by default) on every open watch, then ends them.</summary>
    public void FailWatches(int code = 410, string reason = "Expired", string message = "too old resource version") =>
        Store.Broadcast(new FakeWatchMessage(FakeWatchMessageKind.Error, Object: FakeStatus.Failure(code, reason, message)));

    /// <summary>Open watches stop sending anything while their connections stay open.</summary>
    public void SilenceWatches() => Store.Broadcast(new FakeWatchMessage(FakeWatchMessageKind.Silence));

    /// <summary>Answers the next <paramref name="count"/> watch requests with HTTP <paramref name="code"/> instead of a stream.</summary>
    public void RejectWatches(int count, int code = 410)
    {
        Volatile.Write(ref _watchRejectionCode, code);
        Volatile.Write(ref _watchRejections, count);
    }

    /// <summary>The next <paramref name="count"/> watch requests get a stream that ends at once, empty.</summary>
    public void EndNextWatchesAtOnce(int count) => Volatile.Write(ref _emptyWatches, count);

    /// <summary>Writes a kubeconfig for this server (CA data and token inline) and returns its path.</summary>
    public string WriteKubeconfig(string path, string ns = "default", string context = "fake")
    {
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(Authority.CertificatePem));
        var yaml = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {context}
              cluster:
                server: {BaseAddress.AbsoluteUri.TrimEnd('/')}
                certificate-authority-data: {ca}
            users:
            - name: {context}
              user:
                token: {Token}
            contexts:
            - name: {context}
              context:
                cluster: {context}
                user: {context}
                namespace: {ns}
            current-context: {context}

            """;
        File.WriteAllText(path, yaml);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _serverCertificate.Dispose();
        Authority.Dispose();
        _stopping.Dispose();
    }

    internal void Record(string request) => _requests.Enqueue(request);

    internal bool TakeEmptyWatch() => TakeOne(ref _emptyWatches);

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var left = Volatile.Read(ref counter);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    internal int? TakeWatchRejection() => TakeOne(ref _watchRejections) ? Volatile.Read(ref _watchRejectionCode) : null;
}
