using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace KubeSync.Operator.Tests.Crd;

/// <summary>The summaries of an assembly's XML documentation file, as plain one-line text for schema descriptions.</summary>
internal sealed partial class XmlDocs
{
    private readonly Dictionary<string, string> _summaries;

    private XmlDocs(Dictionary<string, string> summaries)
    {
        _summaries = summaries;
    }

    public static XmlDocs For(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"the XML documentation of {assembly.GetName().Name} is not next to it (GenerateDocumentationFile)", path);
        }

        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
            {
                summaries[name] = Plain(summary);
            }
        }

        return new XmlDocs(summaries);
    }

    public string? Of(Type type) => _summaries.GetValueOrDefault($"T:{type.FullName}");

    public string? Of(PropertyInfo property) => _summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    private static string Plain(XElement summary)
    {
        var text = string.Concat(summary.Nodes().Select(node => node switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" or "seealso" } e => Short(e.Attribute("cref")?.Value ?? e.Attribute("langword")?.Value ?? e.Value),
            XElement { Name.LocalName: "paramref" or "typeparamref" } e => e.Attribute("name")?.Value ?? "",
            XElement e => e.Value,
            _ => "",
        }));
        return Spaces().Replace(text, " ").Trim();
    }

    private static string Short(string cref) => cref[(Math.Max(cref.LastIndexOf('.'), cref.IndexOf(':')) + 1)..];

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
