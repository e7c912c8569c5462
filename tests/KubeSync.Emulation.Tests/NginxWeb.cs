using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Testing.FakeApi;

namespace KubeSync.Emulation.Tests;

/// <summary>
/// The nginx example (<c>examples/nginx/syncgroup.yaml</c>) as the emulated cluster runs it: the Deployment <c>web</c>
/// whose site configs live in the <c>conf</c> emptyDir, and the SyncGroup <c>web-conf</c> that keeps them identical
/// and HUPs nginx. The container runs the host's nginx on a config of its own (a ConfigMap) so that nothing of the
/// host's nginx setup counts, and records what its <c>conf</c> volume held when it started.
/// </summary>
internal static class NginxWeb
{
    public const string Deployment = "web";
    public const string Group = "web-conf";
    public const string ConfVolume = "conf";
    public const string RunVolume = "run";

    /// <summary>Written by the nginx container at its start: <c>ls -A</c> of the conf volume.</summary>
    public const string SeenAtStart = "seen-at-start";

    /// <summary>The UID nginx runs as, as in <c>nginxinc/nginx-unprivileged</c> and the example.</summary>
    public const int NginxUid = 101;

    /// <summary>
    /// nginx's own config: its pid file and temp paths in the pod's <c>run</c> volume (the master runs as
    /// <see cref="NginxUid"/>, which may write nothing else), the synced site configs included.
    /// </summary>
    public const string NginxConf = """
        pid /run/web/nginx.pid;
        error_log stderr notice;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path /run/web/client_body;
            proxy_temp_path /run/web/proxy;
            fastcgi_temp_path /run/web/fastcgi;
            uwsgi_temp_path /run/web/uwsgi;
            scgi_temp_path /run/web/scgi;
            include /etc/nginx/conf.d/*.conf;
        }

        """;

    public static ConfigMap NginxConfigMap() => new()
    {
        Metadata = new ObjectMeta { Name = "web-nginx", Namespace = OperatedCluster.Namespace },
        Data = new Dictionary<string, string> { ["nginx.conf"] = NginxConf },
    };

    /// <summary>
    /// The example's Deployment (nginx as <see cref="NginxUid"/>) with the test's nginx command, its config and a
    /// <c>run</c> volume; <paramref name="nginxUid"/> another UID for nginx.
    /// </summary>
    public static Deployment WebDeployment(int replicas, int nginxUid = NginxUid) => Manifest.Deployment($$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: nginx
                  image: nginx:1.27
                  securityContext: {runAsUser: {{{nginxUid}}}, runAsGroup: {{{nginxUid}}}, runAsNonRoot: true}
                  command:
                    - /bin/sh
                    - -c
                    - ls -A /etc/nginx/conf.d > /run/web/{{{SeenAtStart}}} && exec /usr/sbin/nginx -e stderr -c /etc/nginx-pod/nginx.conf -g 'daemon off;'
                  ports:
                    - {name: http, containerPort: 8080}
                  volumeMounts:
                    - {name: conf, mountPath: /etc/nginx/conf.d}
                    - {name: run, mountPath: /run/web}
                    - {name: nginx-conf, mountPath: /etc/nginx-pod}
              volumes:
                - {name: conf, emptyDir: {}}
                - {name: run, emptyDir: {}}
                - {name: nginx-conf, configMap: {name: web-nginx}}
        """);

    /// <summary>
    /// The SyncGroup document of <c>examples/nginx/syncgroup.yaml</c>, in the test's namespace, with one speed-up: the
    /// peers are re-resolved every 2 s instead of 30 s (a new pod is found sooner), and shutdown drains for 2 s.
    /// </summary>
    public static SyncGroup ExampleSyncGroup()
    {
        var text = File.ReadAllText(RepositoryPath("examples", "nginx", "syncgroup.yaml"));
        var document = text.Split("\n---\n").Select(FakeYaml.ParseObject).Single(d => d["kind"]?.GetValue<string>() == "SyncGroup");
        document["metadata"]!["namespace"] = OperatedCluster.Namespace;
        document["spec"]!["timing"] = new JsonObject { ["pull"] = "2s", ["drain"] = "2s" };
        return document.Deserialize(SyncGroupJsonContext.Default.SyncGroup)!;
    }

    /// <summary>The CRD as <c>kubectl apply -f crds/</c> would send it.</summary>
    public static KubeObject Crd() =>
        FakeYaml.ParseObject(File.ReadAllText(RepositoryPath("crds", "syncgroups.kubesync.io.yaml"))).Deserialize(KubeJsonContext.Default.KubeObject)!;

    /// <summary>A site on port 8080 answering every request with <paramref name="body"/>.</summary>
    public static string Site(string body) => $$"""
        server {
            listen 8080;
            location / { default_type text/plain; return 200 "{{body}}\n"; }
        }

        """;

    public static string RepositoryPath(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new DirectoryNotFoundException($"no Operator.sln above {AppContext.BaseDirectory}");
    }
}
