namespace KubeSync.Operator.Hosting;

/// <summary>A bad setting: the message names the environment variable.</summary>
public sealed class OperatorOptionsException(string variable, string problem) : Exception($"{variable}: {problem}")
{
    public string Variable { get; } = variable;
}
