using System.Globalization;

namespace KubeSync.Testing.Emulation;

/// <summary>What the emulator did, in order, timestamped: the story a failing test prints.</summary>
internal sealed class EmulatorJournal(Action<string>? sink)
{
    private readonly CapturedOutput _lines = new();

    public string Text => _lines.Text;

    public void Write(string line)
    {
        var stamped = $"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {line}";
        _lines.Append(stamped);
        try
        {
            sink?.Invoke(stamped);
        }
        catch (InvalidOperationException)
        {
            // xunit's output helper refuses lines once its test has finished; the journal keeps them.
        }
    }
}
