using KubeSync.Engine.Configuration;
using KubeSync.Testing.Emulation.Kubelet;

namespace KubeSync.Emulation.Tests;

/// <summary>The downward API's map format as the kubelet writes it (Go's <c>%q</c>), and the sidecar's reader of it.</summary>
public sealed class DownwardApiFilesTests
{
    [Theory]
    [InlineData("web", "\"web\"")]
    [InlineData("say \"hi\"\\", "\"say \\\"hi\\\"\\\\\"")]
    [InlineData("a\nb\tc\rd\u0007", "\"a\\nb\\tc\\rd\\a\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7f\"")]
    [InlineData("café ☕", "\"café ☕\"")]
    [InlineData("zero\u200bwidth", "\"zero\\u200bwidth\"")]
    [InlineData("no\u00a0break", "\"no\\u00a0break\"")]
    public void GoQuote_AsGoPrintsPercentQ(string value, string quoted) =>
        Assert.Equal(quoted, DownwardApiFiles.GoQuote(value));

    [Fact]
    public void FormatMap_SortedByKey_NoTrailingNewline_ReadBackByTheSidecar()
    {
        var labels = new Dictionary<string, string>
        {
            ["zone"] = "b",
            ["app.kubernetes.io/name"] = "web",
            ["note"] = "tab\there, \"quoted\", \u0001, café",
            ["empty"] = "",
        };

        var text = DownwardApiFiles.FormatMap(labels);

        Assert.Equal("app.kubernetes.io/name=\"web\"\nempty=\"\"\nnote=\"tab\\there, \\\"quoted\\\", \\x01, café\"\nzone=\"b\"", text);
        Assert.Equal(labels, LabelsFile.Parse(text, "labels"));
    }
}
