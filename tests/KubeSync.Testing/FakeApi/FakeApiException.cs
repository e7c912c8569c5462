using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>An API error the fake answers with: the HTTP code and a <c>Status</c> body.</summary>
public sealed class FakeApiException : Exception
{
    public FakeApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public FakeApiException()
    {
    }

    public FakeApiException(string message)
        : base(message)
    {
    }

    public FakeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Code { get; } = 500;

    public string Reason { get; } = "InternalError";

    public JsonObject? Details { get; }

    public JsonObject ToStatus() => FakeStatus.Failure(Code, Reason, Message, Details);

    public static FakeApiException NotFound(FakeResourceDefinition definition, string name) =>
        new(404, "NotFound", $"{definition.Plural}{GroupSuffix(definition)} \"{name}\" not found", Describe(definition, name));

    public static FakeApiException AlreadyExists(FakeResourceDefinition definition, string name) =>
        new(409, "AlreadyExists", $"{definition.Plural}{GroupSuffix(definition)} \"{name}\" already exists", Describe(definition, name));

    public static FakeApiException Conflict(FakeResourceDefinition definition, string name) =>
        new(
            409,
            "Conflict",
            $"Operation cannot be fulfilled on {definition.Plural}{GroupSuffix(definition)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Describe(definition, name));

    public static FakeApiException Gone(string message) => new(410, "Expired", message);

    public static FakeApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static FakeApiException Invalid(string message) => new(422, "Invalid", message);

    private static string GroupSuffix(FakeResourceDefinition definition) => definition.Group.Length == 0 ? "" : "." + definition.Group;

    private static JsonObject Describe(FakeResourceDefinition definition, string name) =>
        new() { ["name"] = name, ["group"] = definition.Group, ["kind"] = definition.Plural };
}
