using System.Diagnostics.CodeAnalysis;

namespace KubeSync.Engine.Configuration;

/// <summary>Parses <c>host:port</c>, with IPv6 hosts in brackets (<c>[::1]:30865</c>).</summary>
public static class HostPort
{
    public static bool TryParse(string text, [NotNullWhen(true)] out string? host, out int port, [NotNullWhen(false)] out string? error, int? defaultPort = null)
    {
        host = null;
        port = 0;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                error = $"\"{text}\" has an unclosed '[' (write IPv6 as [::1]:30865)";
                return false;
            }

            host = text[1..close];
            portText = text[(close + 1)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? "" : text[colon..];
            if (host.Contains(':'))
            {
                error = $"\"{text}\": write an IPv6 host in brackets, e.g. [::1]:30865";
                host = null;
                return false;
            }
        }

        if (host.Length == 0)
        {
            error = $"\"{text}\" has no host";
            host = null;
            return false;
        }

        if (portText.Length == 0 && defaultPort is { } d)
        {
            port = d;
            error = null;
            return true;
        }

        if (!portText.StartsWith(':') || !int.TryParse(portText.AsSpan(1), out port) || port < 0 || port > 65535)
        {
            error = $"\"{text}\" is not host:port with a port from 0 to 65535";
            host = null;
            return false;
        }

        error = null;
        return true;
    }
}
