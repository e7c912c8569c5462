using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.State;

/// <summary>The columns of a <c>files</c> row that change detection compares: no hash, no version, so that a no-change re-check decodes nothing it does not need.</summary>
/// <param name="HashPending">A live file recorded without its content hash (see <see cref="FileRecord.HashPending"/>): the next scan hashes it.</param>
public sealed record ScanRow(SyncPath Path, EntryType Type, long Size, long MtimeNs, int Mode, int Uid, int Gid, long Inode, bool Deleted, bool Racy, bool HashPending = false);
