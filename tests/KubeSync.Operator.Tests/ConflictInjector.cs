using System.Net;
using System.Text;

namespace KubeSync.Operator.Tests;

/// <summary>
/// Answers the next <see cref="Arm"/>ed number of requests whose method and path match with a 409 Conflict Status,
/// as the API server does when the object changed since it was read; everything else goes to the fake server.
/// </summary>
internal sealed class ConflictInjector(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _remaining;
    private HttpMethod? _method;
    private string? _pathSuffix;
    private int _injected;

    public int Injected => Volatile.Read(ref _injected);

    public void Arm(HttpMethod method, string pathSuffix, int count)
    {
        _method = method;
        _pathSuffix = pathSuffix;
        Volatile.Write(ref _remaining, count);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == _method && request.RequestUri!.AbsolutePath.EndsWith(_pathSuffix!, StringComparison.Ordinal)
            && Interlocked.Decrement(ref _remaining) >= 0)
        {
            Interlocked.Increment(ref _injected);
            const string status = """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict","code":409,"message":"the object has been modified; please apply your changes to the latest version and try again"}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Conflict) { Content = new StringContent(status, Encoding.UTF8, "application/json") });
        }

        return base.SendAsync(request, cancellationToken);
    }
}
