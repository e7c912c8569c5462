using System.Text.Json;

using KubeSync.Testing;

namespace KubeSync.Sidecar.Tests;

/// <summary>The <c>kubesync</c> verbs as a user runs them: a real process, a real tree, a real state database.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _root;
    private readonly string _config;

    public CliTests()
    {
        _root = _dir.Combine("www");
        _dir.WriteFile("www/conf/nginx.conf", "worker_processes 1;\n");
        _dir.WriteFile("www/html/index.html", "<h1>hi</h1>\n");
        _dir.WriteFile("www/html/index.html~", "editor backup\n");
        _config = KubeSyncProcess.WriteConfig(_dir.Path, _root, extra: "exclude: [\"*~\"]");
    }

    public void Dispose() => _dir.Dispose();

    private Task<KubeSyncProcess.Result> Run(params string[] args) => KubeSyncProcess.RunAsync(["--config", _config, .. args], _dir.Path);

    [Fact]
    public async Task Version_PrintsVersion()
    {
        var r = await KubeSyncProcess.RunAsync(["--version"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", r.Stdout);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("files")]
    [InlineData("dirty")]
    [InlineData("conflicts")]
    [InlineData("status")]
    [InlineData("force")]
    [InlineData("keygen")]
    [InlineData("demo")]
    [InlineData("cert")]
    public async Task Help_EveryVerb_DescribesItself(string verb)
    {
        var r = await KubeSyncProcess.RunAsync([verb, "--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"kubesync {verb}", r.Stdout);
        Assert.Contains("--config", r.Stdout);
    }

    [Fact]
    public async Task CheckFilesDirty_OnARealTree_RecordAndReport()
    {
        var check = await Run("check");
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("web: 4 entries checked", check.Stdout);
        Assert.Contains("4 new", check.Stdout);

        var files = await Run("files", "--json");
        Assert.Equal(0, files.ExitCode);
        var rows = JsonDocument.Parse(files.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(["conf", "conf/nginx.conf", "html", "html/index.html"], rows.Select(r => r.GetProperty("path").GetString()));
        Assert.Equal("web-0:1", rows[1].GetProperty("version").GetString());
        Assert.Equal(64, rows[1].GetProperty("sha256").GetString()!.Length);

        var dirty = await Run("dirty", "--json");
        Assert.Equal(0, dirty.ExitCode);
        Assert.Equal(8, JsonDocument.Parse(dirty.Stdout).RootElement.GetArrayLength());
        var human = await Run("dirty");
        Assert.Contains("web-1", human.Stdout);
        Assert.Contains("conf/nginx.conf", human.Stdout);
    }

    [Fact]
    public async Task Dirty_NothingOwed_ExitsTwoLikeCsync2()
    {
        Assert.Equal(0, (await Run("check", "--init", "-r")).ExitCode);
        var r = await Run("dirty");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public async Task CheckPath_ChangedFile_OnlyThatFileIsVersioned()
    {
        Assert.Equal(0, (await Run("check", "--init")).ExitCode);
        File.AppendAllText(Path.Combine(_root, "conf/nginx.conf"), "# more\n");
        File.AppendAllText(Path.Combine(_root, "html/index.html"), "<p>not checked this time</p>\n");

        var r = await Run("check", "www/conf/nginx.conf");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("1 entries checked", r.Stdout);
        Assert.Contains("1 changed", r.Stdout);
        var dirty = JsonDocument.Parse((await Run("dirty", "--json")).Stdout).RootElement.EnumerateArray().Select(e => e.GetProperty("path").GetString()).Distinct();
        Assert.Equal(["conf/nginx.conf"], dirty);
    }

    [Fact]
    public async Task Force_KnownAndUnknownPaths_BumpsOrFailsClearly()
    {
        await Run("check", "--init");
        var forced = await Run("force", "www/conf/nginx.conf");
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("now web-0:2; owed to web-1, web-2", forced.Stdout);

        var unknown = await Run("force", "www/nope.conf");
        Assert.Equal(64, unknown.ExitCode);
        Assert.Contains("not recorded", unknown.Stderr);

        var outside = await Run("force", "/etc/passwd");
        Assert.Equal(64, outside.ExitCode);
        Assert.Contains("not under the root", outside.Stderr);
    }

    [Fact]
    public async Task Config_Invalid_ExitsTwoWithOneLineNamingTheKey()
    {
        File.WriteAllText(_config, $"groups: [{{name: web, root: \"{_root}\", backup: {{directory: /b, generations: lots}}}}]");
        var r = await Run("check");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("kubesync: config error: groups[0].backup.generations: expected a whole number, got \"lots\"", r.Stderr.Trim());
    }

    [Fact]
    public async Task Config_FromEnvironment_IsFoundAndOverridden()
    {
        var r = await KubeSyncProcess.RunAsync(["check"], _dir.Path, new Dictionary<string, string>
        {
            ["KUBESYNC_CONFIG"] = _config,
            ["KUBESYNC_GROUPS__0__EXCLUDE__1"] = "/html",
        });
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("2 entries checked", r.Stdout);

        var bad = await KubeSyncProcess.RunAsync(["check"], _dir.Path, new Dictionary<string, string> { ["KUBESYNC_CONFIG"] = _config, ["KUBESYNC_TIMING__RESCAN"] = "often" });
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("timing.rescan: expected a duration", bad.Stderr);
    }

    /// <summary>
    /// A large new file gets its version from <c>check</c> without being read (the first transfer hashes it): <c>files</c>
    /// says its hash is pending, and the next <c>check</c> hashes it under the same version.
    /// </summary>
    [Fact]
    public async Task Check_LargeNewFile_HashPendingUntilTheNextCheck()
    {
        var content = new byte[16 * 1024 * 1024];
        content[12345] = 7;
        File.WriteAllBytes(Path.Combine(_root, "big.bin"), content);
        Assert.Equal(0, (await Run("check")).ExitCode);

        var human = await Run("files");
        Assert.Equal(0, human.ExitCode);
        Assert.Contains("hash pending", human.Stdout.Split('\n').Single(l => l.EndsWith("big.bin", StringComparison.Ordinal)), StringComparison.Ordinal);
        var pending = BigRow(await Run("files", "--json"));
        Assert.False(pending.TryGetProperty("sha256", out _)); // as for a directory: no hash to print

        var again = await Run("check");
        Assert.Equal(0, again.ExitCode);
        var hashed = BigRow(await Run("files", "--json"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), hashed.GetProperty("sha256").GetString());
        Assert.Equal(pending.GetProperty("version").GetString(), hashed.GetProperty("version").GetString());

        static JsonElement BigRow(KubeSyncProcess.Result files) =>
            JsonDocument.Parse(files.Stdout).RootElement.EnumerateArray().Single(r => r.GetProperty("path").GetString() == "big.bin");
    }

    [Fact]
    public async Task Config_MissingRoot_ExitsTwo()
    {
        Directory.Delete(_root, recursive: true);
        var r = await Run("files");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("groups[0].root: directory", r.Stderr);
    }

    [Fact]
    public async Task Keygen_WritesPrivateKeyAndRefusesToOverwrite()
    {
        var key = _dir.Combine("group.key");
        Assert.Equal(0, (await KubeSyncProcess.RunAsync(["keygen", key])).ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        var first = File.ReadAllText(key).Trim();
        Assert.Equal(64, first.Length);

        var again = await KubeSyncProcess.RunAsync(["keygen", key]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Stderr);
        Assert.Equal(first, File.ReadAllText(key).Trim());

        Assert.Equal(0, (await KubeSyncProcess.RunAsync(["keygen", "--force", key])).ExitCode);
        Assert.NotEqual(first, File.ReadAllText(key).Trim());
    }

    [Fact]
    public async Task Cert_TwoRuns_OneCaAndMemberCertsThatValidate()
    {
        var certs = _dir.Combine("certs");
        var first = await KubeSyncProcess.RunAsync(["cert", certs, "--group", "web", "--node", "web-0", "--node", "web-1"]);
        Assert.True(first.ExitCode == 0, first.ToString());
        var again = await KubeSyncProcess.RunAsync(["cert", certs, "--group", "web", "--node", "web-2", "--ip", "10.0.0.7"]);
        Assert.Contains("reused the group CA", again.Stdout);

        using var ca = await KubeSync.Engine.Security.CertificateFiles.LoadCertificateAsync(Path.Combine(certs, "ca.crt"), CancellationToken.None);
        var validator = new KubeSync.Engine.Security.MemberCertificateValidator(ca, TimeProvider.System);
        foreach (var node in new[] { "web-0", "web-1", "web-2" })
        {
            using var member = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(certs, node, "tls.crt"), Path.Combine(certs, node, "tls.key"));
            Assert.True(validator.Validate(member).IsValid, node);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(certs, node, "tls.key")));
        }

        var bad = await KubeSyncProcess.RunAsync(["cert", certs, "--group", "web", "--node", "x", "--ip", "nope"]);
        Assert.Equal(64, bad.ExitCode);
    }

    [Fact]
    public async Task Demo_Once_ShowsTheTreeAndANewFileArrivingInBothPeers()
    {
        var r = await KubeSyncProcess.RunAsync(["demo", "--once"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"demo-b and demo-c pulled the example tree from demo-a: [1-9]\d* files in \d+ ms", r.Stdout);
        var arrival = System.Text.RegularExpressions.Regex.Match(r.Stdout, @"Wrote (hello-\d+\.txt) into demo-a: it arrived in demo-b after ([\d.]+) ms and in demo-c after ([\d.]+) ms");
        Assert.True(arrival.Success, r.ToString());
        Assert.True(double.Parse(arrival.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.DoesNotContain("warn", r.Stderr);
    }
}
