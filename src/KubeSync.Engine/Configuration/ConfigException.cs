namespace KubeSync.Engine.Configuration;

/// <summary>A configuration value is missing or wrong. <see cref="Exception.Message"/> is one line that starts with the key.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string key, string problem)
        : base(string.IsNullOrEmpty(key) ? problem : $"{key}: {problem}")
    {
        Key = key;
    }

    public ConfigException()
    {
        Key = "";
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = "";
    }

    /// <summary>The key, written as in the file (<c>groups[0].backup.generations</c>); empty for file-level problems.</summary>
    public string Key { get; }
}
