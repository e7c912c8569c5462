using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>Builds <c>Status</c> objects as the API server sends them.</summary>
public static class FakeStatus
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (details is not null)
        {
            status["details"] = details.DeepClone();
        }

        return status;
    }

    public static JsonObject Success() =>
        new() { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" };
}
