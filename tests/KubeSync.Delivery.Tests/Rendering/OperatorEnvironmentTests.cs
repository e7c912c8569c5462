using System.Text.RegularExpressions;

using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.Rendering;

/// <summary>
/// The chart and the operator agree on the environment: every variable the chart sets is one the operator reads
/// (OperatorOptions.FromEnvironment) or one .NET reads itself, and every variable the operator requires is set.
/// </summary>
public sealed partial class OperatorEnvironmentTests
{
    private const string OptionsFile = "src/KubeSync.Operator/Hosting/OperatorOptions.cs";

    // Read by .NET's configuration, not by OperatorOptions.
    private static readonly string[] PlatformVariables = ["Logging__LogLevel__Default"];

    [RenderFact(needsFile: OptionsFile)]
    public async Task ChartEnv_EveryVariable_IsReadByTheOperator()
    {
        var read = Read().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var set = await SetByChartAsync();

        Assert.All(set.Except(PlatformVariables), name => Assert.True(read.Contains(name), $"the chart sets {name}, which {OptionsFile} does not read"));
    }

    [RenderFact(needsFile: OptionsFile)]
    public async Task ChartEnv_RequiredVariables_AreSet()
    {
        var required = Read().Where(r => r.Required).Select(r => r.Name).ToList();
        var set = await SetByChartAsync();

        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.Contains(name, set));
    }

    private static async Task<HashSet<string>> SetByChartAsync()
    {
        var chart = await ChartRenderer.RenderAsync("watchNamespace: shop");
        return chart.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .Select(e => (string)e!["name"]!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The variables OperatorOptions reads with <c>Get("NAME")</c>; required when <c>?? throw</c> follows before the
    /// statement ends or the next variable is read.
    /// </summary>
    private static List<(string Name, bool Required)> Read()
    {
        var text = File.ReadAllText(RepositoryLayout.Combine(OptionsFile));
        var calls = GetCall().Matches(text).ToList();
        return [.. calls.Select((m, i) =>
        {
            var end = Math.Min(i + 1 < calls.Count ? calls[i + 1].Index : text.Length, text.IndexOf(';', m.Index) is >= 0 and var semicolon ? semicolon : text.Length);
            return (m.Groups[1].Value, text[m.Index..end].Contains("?? throw", StringComparison.Ordinal));
        })];
    }

    [GeneratedRegex("Get\\(\"([A-Za-z_]+)\"\\)")]
    private static partial Regex GetCall();
}
