using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

/// <summary>
/// The Kubernetes time formats: read any RFC 3339 form, write UTC in <paramref name="format"/>. The two kinds
/// (<see cref="KubeTimeConverter"/>, <see cref="MicroTimeConverter"/>) differ only in the digits they write.
/// </summary>
public abstract class KubeTimeConverterBase(string format) : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var text = reader.GetString();
        return string.IsNullOrEmpty(text)
            ? null
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStringValue(value.Value.UtcDateTime.ToString(format, CultureInfo.InvariantCulture));
    }
}
