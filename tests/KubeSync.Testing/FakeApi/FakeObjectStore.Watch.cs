using System.Globalization;
using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

public sealed partial class FakeObjectStore
{
    private readonly List<FakeWatcher> _watchers = [];

    /// <summary>How many watch streams are open now.</summary>
    public int OpenWatches
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>
    /// Opens a watch. Without a resourceVersion (or "0") it starts with an ADDED event per existing object;
    /// with one it replays the history after it, or sends an ERROR 410 when that is compacted away.
    /// </summary>
    internal FakeWatcher Watch(FakeResourceDefinition definition, string? ns, FakeLabelSelector selector, string? resourceVersion)
    {
        lock (_lock)
        {
            var watcher = new FakeWatcher(definition, ns, selector);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var stored in Bucket(definition).Values.Where(s => watcher.Matches(definition, s.Object)))
                {
                    watcher.Messages.Writer.TryWrite(new FakeWatchMessage(FakeWatchMessageKind.Event, "ADDED", stored.Render()));
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw FakeApiException.BadRequest($"invalid resourceVersion {resourceVersion}");
                }

                if (from < _compacted - 1)
                {
                    watcher.Messages.Writer.TryWrite(new FakeWatchMessage(
                        FakeWatchMessageKind.Error,
                        Object: FakeStatus.Failure(410, "Expired", $"too old resource version: {from} ({_compacted})")));
                    return watcher;
                }

                foreach (var (revision, def, type, obj, previous) in _history)
                {
                    if (revision > from && TypeFor(watcher, def, type, obj, previous) is { } seen)
                    {
                        watcher.Messages.Writer.TryWrite(new FakeWatchMessage(FakeWatchMessageKind.Event, seen, obj.DeepClone().AsObject()));
                    }
                }
            }

            _watchers.Add(watcher);
            return watcher;
        }
    }

    internal void Unwatch(FakeWatcher watcher)
    {
        lock (_lock)
        {
            _watchers.Remove(watcher);
        }
    }

    /// <summary>Queues a BOOKMARK carrying the current resourceVersion (under the lock, so no event can overtake it).</summary>
    internal void Bookmark(FakeWatcher watcher)
    {
        lock (_lock)
        {
            var obj = new JsonObject
            {
                ["kind"] = watcher.Definition.Kind,
                ["apiVersion"] = watcher.Definition.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture) },
            };
            watcher.Messages.Writer.TryWrite(new FakeWatchMessage(FakeWatchMessageKind.Bookmark, "BOOKMARK", obj));
        }
    }

    /// <summary>Sends <paramref name="message"/> to every open watch (test hooks).</summary>
    internal void Broadcast(FakeWatchMessage message)
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Messages.Writer.TryWrite(message);
            }
        }
    }

    /// <summary>
    /// Gives the object a new resourceVersion and tells the watches. Called under the lock. With
    /// <paramref name="previous"/>, a change that moves the object into or out of a watch's label selector
    /// reaches that watch as ADDED or DELETED, as on the real server.
    /// </summary>
    private void Publish(FakeResourceDefinition definition, string type, FakeStoredObject stored, JsonObject? previous = null)
    {
        _revision++;
        stored.Object["metadata"]!["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture);
        var rendered = stored.Render();
        _history.Add((_revision, definition, type, rendered, previous));
        foreach (var watcher in _watchers)
        {
            if (TypeFor(watcher, definition, type, rendered, previous) is { } seen)
            {
                watcher.Messages.Writer.TryWrite(new FakeWatchMessage(FakeWatchMessageKind.Event, seen, rendered.DeepClone().AsObject()));
            }
        }
    }

    /// <summary>The event type <paramref name="watcher"/> sees for a change, or null when the change is not its business.</summary>
    private static string? TypeFor(FakeWatcher watcher, FakeResourceDefinition definition, string type, JsonObject now, JsonObject? previous)
    {
        var matchesNow = watcher.Matches(definition, now);
        if (type != "MODIFIED" || previous is null)
        {
            return matchesNow ? type : null;
        }

        return (watcher.Matches(definition, previous), matchesNow) switch
        {
            (true, true) => "MODIFIED",
            (false, true) => "ADDED",
            (true, false) => "DELETED",
            _ => null,
        };
    }
}
