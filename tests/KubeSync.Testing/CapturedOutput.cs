using System.Diagnostics;
using System.Text;

namespace KubeSync.Testing;

/// <summary>
/// What a child process prints, line by line, readable while it runs (a test waits for a log line) and after
/// it is gone (a failure message). Lines arrive on the runtime's reader threads, hence the lock.
/// </summary>
public sealed class CapturedOutput
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Collects stdout and stderr of <paramref name="process"/> (started with both redirected).</summary>
    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Adds a line (null, the end-of-stream marker, is ignored).</summary>
    public void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _text.AppendLine(line);
        }
    }
}
