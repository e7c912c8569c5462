using System.Diagnostics;

namespace KubeSync.Testing;

/// <summary>
/// A real nginx (Debian's nginx-light) in a temp directory with its own conf, pid file, logs and port. Its main conf
/// includes <c>*.conf</c> from a site directory (a synced root), so a site written there is served after a reload.
/// </summary>
public sealed class NginxServer : IDisposable
{
    public const string NginxPath = "/usr/sbin/nginx";

    private readonly TempDirectory _dir = new("kubesync-nginx-");
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process _process;

    private NginxServer(string siteDirectory)
    {
        Port = TestPorts.Reserve();
        var temp = _dir.Combine("temp");
        Directory.CreateDirectory(temp);
        File.WriteAllText(Conf, $$"""
            daemon off;
            worker_processes 1;
            pid {{PidFile}};
            error_log {{ErrorLogPath}};
            events { worker_connections 64; }
            http {
                access_log {{_dir.Combine("access.log")}};
                client_body_temp_path {{temp}}/body;
                proxy_temp_path {{temp}}/proxy;
                fastcgi_temp_path {{temp}}/fastcgi;
                uwsgi_temp_path {{temp}}/uwsgi;
                scgi_temp_path {{temp}}/scgi;
                include {{siteDirectory}}/*.conf;
            }
            """);
        _process = Process.Start(new ProcessStartInfo(NginxPath) { ArgumentList = { "-c", Conf, "-e", ErrorLogPath } })!;
    }

    /// <summary>Null when nginx is installed, else why a test that needs it is skipped.</summary>
    public static string? MissingReason => File.Exists(NginxPath) ? null : $"needs nginx at {NginxPath} (apt-get install nginx-light)";

    /// <summary>The port a site written by <see cref="Site"/> listens on.</summary>
    public int Port { get; }

    public string Conf => _dir.Combine("nginx.conf");

    public string PidFile => _dir.Combine("nginx.pid");

    public string ErrorLogPath => _dir.Combine("error.log");

    /// <summary>Starts nginx and waits until it wrote its pid file (its master runs).</summary>
    public static async Task<NginxServer> StartAsync(string siteDirectory)
    {
        var nginx = new NginxServer(siteDirectory);
        await Eventually.TrueAsync(() => File.Exists(nginx.PidFile) || nginx._process.HasExited, "nginx to write its pid file", TimeSpan.FromSeconds(30));
        if (nginx._process.HasExited)
        {
            var log = nginx.ErrorLog();
            nginx.Dispose();
            throw new InvalidOperationException($"nginx exited at start: {log}");
        }

        return nginx;
    }

    /// <summary>A site conf on <see cref="Port"/> answering every request with <paramref name="body"/>.</summary>
    public string Site(string body) =>
        $"server {{ listen 127.0.0.1:{Port}; location / {{ default_type text/plain; return 200 \"{body}\"; }} }}\n";

    /// <summary>The page nginx serves now, or null when nothing answers.</summary>
    public async Task<string?> PageAsync()
    {
        try
        {
            return await _http.GetStringAsync(new Uri($"http://127.0.0.1:{Port}/"));
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    public string ErrorLog() => File.Exists(ErrorLogPath) ? File.ReadAllText(ErrorLogPath) : "no error log";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        _http.Dispose();
        _dir.Dispose();
    }
}
