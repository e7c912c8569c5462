using KubeSync.Engine.Applying;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Peers;

/// <summary>
/// The receiving loop's open transaction: consecutive messages that arrive together are applied as one
/// <see cref="ApplyBatch"/> and recorded in one state transaction, and their replies (acks above all) leave only
/// after the files are durable and the transaction committed, so a peer is never told of a version this member
/// could lose in a crash. Flushed whenever the loop would wait for the network.
/// </summary>
internal sealed class ReceiveBatch(GroupRuntime group, SendQueue send) : IDisposable
{
    private readonly ApplyBatch _apply = new(group.Applier);
    private readonly List<ProtocolMessage> _replies = [];
    private readonly List<Action> _after = [];
    private readonly List<Action<StateBatch>> _beforeCommit = [];
    private readonly List<SyncPath> _applied = [];
    private AsyncGate.Releaser? _gate;
    private StateBatch? _batch;

    /// <summary>Rows and replies since the last flush.</summary>
    public int Count { get; private set; }

    /// <summary>State transactions committed so far: unchanged, a row read earlier was read in the open transaction.</summary>
    public long Commits { get; private set; }

    public async ValueTask<StateBatch> OpenAsync(CancellationToken cancellationToken)
    {
        if (_batch is null)
        {
            _gate = await group.Gate.EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _batch = group.Group.Store.BeginBatch();
            }
            catch
            {
                _gate.Value.Dispose();
                _gate = null;
                throw;
            }
        }

        Count++;
        return _batch;
    }

    /// <summary>Defers directory syncs of immediate applies to the flush.</summary>
    public ApplyBatch Durability => _apply;

    /// <summary>
    /// Queues a staged file for the flush, which publishes it and then calls <paramref name="published"/> inside the
    /// still open transaction (to record it and reply). The transaction must be open.
    /// </summary>
    public void Stage(StagedFile file, Func<FileStat?, bool> stillSafe, Action<ApplyResult> published)
    {
        if (_batch is null)
        {
            file.Dispose();
            throw new InvalidOperationException("a staged file needs the open state transaction");
        }

        _apply.Add(file, stillSafe, published);
        Count++;
    }

    /// <summary>Sends <paramref name="message"/> after the commit (at once when nothing is open).</summary>
    public void Reply(ProtocolMessage message)
    {
        if (_batch is null)
        {
            send.Reply(message);
        }
        else
        {
            _replies.Add(message);
        }
    }

    /// <summary>Reports <paramref name="path"/> to <see cref="GroupRuntime.Applied"/> after the commit, with the rest of the burst.</summary>
    public void Applied(SyncPath path) => _applied.Add(path);

    /// <summary>Runs <paramref name="action"/> after the commit.</summary>
    public void After(Action action)
    {
        if (_batch is null)
        {
            action();
        }
        else
        {
            _after.Add(action);
        }
    }

    /// <summary>Runs <paramref name="action"/> in the open transaction just before it commits (once per flush and call).</summary>
    public void BeforeCommit(Action<StateBatch> action)
    {
        if (_batch is null)
        {
            throw new InvalidOperationException("nothing to commit: the state transaction is not open");
        }

        _beforeCommit.Add(action);
    }

    public void Flush()
    {
        _apply.Publish();
        RunBeforeCommit();
        Commit();
        Count = 0;
        foreach (var reply in _replies)
        {
            send.Reply(reply);
        }

        _replies.Clear();
        foreach (var action in _after)
        {
            action();
        }

        _after.Clear();
        ReportApplied();
    }

    /// <summary>Publishes and commits what was received (it is whole and verified) without sending the replies: the connection is gone.</summary>
    public void Dispose()
    {
        try
        {
            if (_batch is not null)
            {
                _apply.Publish();
            }
        }
        finally
        {
            _apply.Dispose();
            _replies.Clear();
            _after.Clear();
            try
            {
                RunBeforeCommit();
            }
            finally
            {
                Commit();
                ReportApplied();
            }
        }
    }

    private void RunBeforeCommit()
    {
        if (_batch is not null)
        {
            foreach (var action in _beforeCommit)
            {
                action(_batch);
            }
        }

        _beforeCommit.Clear();
    }

    private void ReportApplied()
    {
        if (_applied.Count > 0)
        {
            SyncPath[] applied = [.. _applied];
            _applied.Clear();
            group.Applied(applied);
        }
    }

    /// <summary>Commits the open transaction, if any, and lets the next user of the state in.</summary>
    private void Commit()
    {
        if (_batch is null)
        {
            return;
        }

        try
        {
            Commits++;
            _batch.Commit();
        }
        finally
        {
            _batch.Dispose();
            _batch = null;
            _gate?.Dispose();
            _gate = null;
        }
    }
}
