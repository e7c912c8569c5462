using Microsoft.Extensions.Logging;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// The CLI verbs' logger: one line per event on stderr. <c>LoggerFactory.Create</c> with the console provider builds a
/// dependency-injection container and JIT-compiles about a hundred methods on every run, a tenth of a no-change
/// <c>check</c>; a verb needs none of that. (The daemon uses the hosting stack's logging.)
/// </summary>
internal sealed class StderrLoggerFactory : ILoggerFactory
{
    private readonly TextWriter _error;
    private readonly LogLevel _minimum;

    public StderrLoggerFactory(TextWriter error, LogLevel minimum)
    {
        _error = error;
        _minimum = minimum;
    }

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the CLI logs to stderr only");

    public void Dispose() => _error.Flush();

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class StderrLogger(StderrLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= factory._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{LevelName(logLevel)}: {category}[{eventId.Id}] {formatter(state, exception)}";
            lock (factory)
            {
                factory._error.WriteLine(exception is null ? line : $"{line}{Environment.NewLine}{exception}");
            }
        }
    }
}
