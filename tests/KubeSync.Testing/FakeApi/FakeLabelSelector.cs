using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>Equality-based label selectors: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>, comma-joined.</summary>
internal sealed class FakeLabelSelector
{
    private readonly List<Func<JsonObject?, bool>> _terms = [];

    private FakeLabelSelector()
    {
    }

    public static FakeLabelSelector Parse(string? selector)
    {
        var parsed = new FakeLabelSelector();
        foreach (var raw in (selector ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            parsed._terms.Add(ParseTerm(raw));
        }

        return parsed;
    }

    public bool Matches(JsonObject obj)
    {
        var labels = obj["metadata"]?["labels"] as JsonObject;
        return _terms.TrueForAll(term => term(labels));
    }

    private static Func<JsonObject?, bool> ParseTerm(string term)
    {
        if (term.Contains("!=", StringComparison.Ordinal))
        {
            var (key, value) = Split(term, "!=");
            return labels => Value(labels, key) != value;
        }

        if (term.Contains('=', StringComparison.Ordinal))
        {
            var (key, value) = Split(term, term.Contains("==", StringComparison.Ordinal) ? "==" : "=");
            return labels => Value(labels, key) == value;
        }

        if (term.StartsWith('!'))
        {
            var key = term[1..];
            return labels => Value(labels, key) is null;
        }

        if (term.Contains(' ', StringComparison.Ordinal))
        {
            throw FakeApiException.BadRequest($"unsupported label selector term (the fake knows only equality): {term}");
        }

        return labels => Value(labels, term) is not null;
    }

    private static (string Key, string Value) Split(string term, string op)
    {
        var at = term.IndexOf(op, StringComparison.Ordinal);
        return (term[..at].Trim(), term[(at + op.Length)..].Trim());
    }

    private static string? Value(JsonObject? labels, string key) => labels?[key]?.GetValue<string>();
}
