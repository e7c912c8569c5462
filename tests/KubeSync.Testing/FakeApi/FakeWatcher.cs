using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace KubeSync.Testing.FakeApi;

/// <summary>One open watch: what it selects and the messages queued for it.</summary>
internal sealed class FakeWatcher
{
    public FakeWatcher(FakeResourceDefinition definition, string? ns, FakeLabelSelector selector)
    {
        Definition = definition;
        Namespace = ns;
        Selector = selector;
    }

    public FakeResourceDefinition Definition { get; }

    public string? Namespace { get; }

    public FakeLabelSelector Selector { get; }

    public bool AllowBookmarks { get; set; }

    public Channel<FakeWatchMessage> Messages { get; } = Channel.CreateUnbounded<FakeWatchMessage>(new UnboundedChannelOptions { SingleReader = true });

    public bool Matches(FakeResourceDefinition definition, JsonObject obj) =>
        definition.Key == Definition.Key
        && (Namespace is null || obj["metadata"]?["namespace"]?.GetValue<string>() == Namespace)
        && Selector.Matches(obj);
}
