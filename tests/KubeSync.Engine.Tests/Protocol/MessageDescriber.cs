using System.Collections;
using System.Text;

using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Tests.Protocol;

/// <summary>Renders a message with all its fields (byte arrays as hex) so that two messages can be compared field by field.</summary>
internal static class MessageDescriber
{
    public static string Describe(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        ReadOnlyMemory<byte> memory => Convert.ToHexString(memory.Span),
        string text => $"\"{text}\"",
        ProtocolMessage or WireEntry => DescribeObject(value),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Describe)) + "]",
        _ => value.ToString() ?? "",
    };

    private static string DescribeObject(object value)
    {
        var sb = new StringBuilder(value.GetType().Name).Append('{');
        foreach (var property in value.GetType().GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            sb.Append(property.Name).Append('=').Append(Describe(property.GetValue(value))).Append(';');
        }

        return sb.Append('}').ToString();
    }
}
