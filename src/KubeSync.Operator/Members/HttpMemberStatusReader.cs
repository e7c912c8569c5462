using System.Text.Json;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Operator.Members;

/// <summary>
/// Asks a member's sidecar over HTTP: <c>GET http://POD_IP:ADMIN_PORT/status</c>, bounded by <see cref="Timeout"/> and a
/// 4 MiB answer. <paramref name="addressOf"/> maps a pod to its admin base address (tests point it at their own server).
/// </summary>
public sealed class HttpMemberStatusReader(HttpClient http, Func<Pod, int, Uri?>? addressOf = null) : IMemberStatusReader
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private const int MaxAnswer = 4 * 1024 * 1024;

    public async Task<MemberReading> ReadAsync(Pod pod, int adminPort, string group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if ((addressOf ?? DefaultAddress)(pod, adminPort) is not { } baseAddress)
        {
            return MemberReading.Failed("the pod has no IP yet");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        MemberStatusDocument? document;
        try
        {
            using var response = await http.GetAsync(new Uri(baseAddress, "status"), HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return MemberReading.Failed($"/status answered {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxAnswer)
            {
                return MemberReading.Failed("/status answer too large");
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            document = body.Length > MaxAnswer ? null : JsonSerializer.Deserialize(body, MemberStatusJsonContext.Default.MemberStatusDocument);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return MemberReading.Failed($"/status did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            return MemberReading.Failed($"/status: {e.Message}");
        }

        var entry = document?.Groups?.FirstOrDefault(g => g.Group == group);
        return entry is null
            ? MemberReading.Failed($"/status does not list group {group}")
            : new MemberReading(entry.Ready ?? false, entry.Dirty, entry.Conflicts, entry.Peers?.Max(p => p.LastSeen));
    }

    private static Uri? DefaultAddress(Pod pod, int adminPort) =>
        pod.Status?["podIP"]?.GetValue<string>() is { Length: > 0 } ip
            ? new Uri($"http://{(ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip)}:{adminPort}/")
            : null;
}
