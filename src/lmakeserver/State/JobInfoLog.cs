// The job infos on disk: one append-only log (LMAKE/job_infos) and an index by job id (LMAKE/job_infos.index).
// One file per job cost a new inode per job run, and creating an inode is what the server spent most of its
// time on with short jobs (on ext4 without a journal, each creation scans the inodes deleted in the last
// seconds); appending costs one write per batch of jobs and one 8-byte write per job.
//
// Log: a 32-byte header (magic, stamp, committed size, dead bytes), then records back to back:
// [u32 payload length][u32 job id][u64 xxh3 of the payload][payload: the JobInfo as JSON].
// Only what lies below the committed size counts: a record is written past it, then the size is committed,
// so a crash mid-append leaves a tail that the next writer cuts off. Index: [u64 stamp of its log][u64 offset
// of the latest record of job 1][... of job 2]..., 0 for none. A reader checks the record an index entry
// points to (job id, bounds, hash): a damaged or stale entry reads as "no info", never as another job's.
// The stamps tie an index to its log: after a crash between the two renames of a compaction, or with an
// index lost, the next writer rebuilds the index by scanning the log.
using System.Buffers.Binary;
using System.Text.Json;
using Lmake.Common.Checksums;
using Microsoft.Win32.SafeHandles;

namespace Lmake.Server.State;

public sealed class JobInfoLog : IDisposable
{
    private const ulong Magic = 0x31474F4C424F4A4C;   // "LJOBLOG1" little-endian
    private const int HeaderSize = 32, RecordHeaderSize = 16;
    private const int MaxPayload = 256 << 20;
    /// <summary>Compacted when opened with more dead bytes (replaced records) than this and than live ones.</summary>
    public const long CompactAbove = 8 << 20;

    private readonly SafeFileHandle _log, _index;
    private readonly ulong _stamp;
    private long _committed, _dead;

    public static string LogPath(string lmakeDir) => LmakeDir.JobInfosIn(lmakeDir);
    public static string IndexPath(string lmakeDir) => LmakeDir.JobInfosIndexIn(lmakeDir);

    private JobInfoLog(SafeFileHandle log, SafeFileHandle index, ulong stamp, long committed, long dead)
    {
        (_log, _index, _stamp, _committed, _dead) = (log, index, stamp, committed, dead);
    }

    /// <summary>Opens the log for appending (the server, lmake_repair): creates it, cuts a torn tail, rebuilds
    /// a missing or stale index, compacts it when mostly dead, and takes in job infos of the older layout
    /// (one file per job in LMAKE/jobs/).</summary>
    public static JobInfoLog OpenForWriting(string lmakeDir, long compactAbove = CompactAbove)
    {
        Directory.CreateDirectory(lmakeDir);
        string logPath = LogPath(lmakeDir), indexPath = IndexPath(lmakeDir);
        JobInfoLog log = OpenFiles(logPath, indexPath);
        if (log.Dead > compactAbove && log.Dead > log._committed - HeaderSize - log.Dead)
        {
            string logCompact = LmakeDir.Compacting(logPath), indexCompact = LmakeDir.Compacting(indexPath);
            log.CompactInto(logCompact, indexCompact);
            log.Dispose();
            // the index first: a crash between the renames leaves stamps that differ, and the index is rebuilt
            File.Move(indexCompact, indexPath, overwrite: true);
            File.Move(logCompact, logPath, overwrite: true);
            log = OpenFiles(logPath, indexPath);
        }
        log.TakeInOldLayout(LmakeDir.OldJobInfosIn(lmakeDir));
        return log;
    }

    private static JobInfoLog OpenFiles(string logPath, string indexPath)
    {
        SafeFileHandle log = File.OpenHandle(logPath, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        SafeFileHandle index = File.OpenHandle(indexPath, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        Span<byte> header = stackalloc byte[HeaderSize];
        ulong stamp;
        long committed, dead;
        if (ReadHeader(log, header) is (ulong s, long c, long d))
            (stamp, committed, dead) = (s, c, d);
        else
        {
            // new (or not a log: its content is unreadable anyway, the store still has what matters)
            stamp = NewStamp();
            (committed, dead) = (HeaderSize, 0);
            RandomAccess.SetLength(log, 0);
            WriteHeader(log, stamp, committed, dead);
        }
        if (RandomAccess.GetLength(log) > committed) RandomAccess.SetLength(log, committed);   // a torn append
        var opened = new JobInfoLog(log, index, stamp, committed, dead);
        if (opened.IndexStamp() != stamp) opened.RebuildIndex();
        return opened;
    }

    public long Dead => _dead;

    /// <summary>Appends the infos of a batch of jobs in one write, then points the index at them.</summary>
    public void Append(IReadOnlyList<(uint JobId, JobInfo Info)> batch)
    {
        var buffer = new MemoryStream();
        var offsets = new long[batch.Count];
        Span<byte> recordHeader = stackalloc byte[RecordHeaderSize];
        for (int i = 0; i < batch.Count; i++)
        {
            byte[] payload = JsonSerializer.SerializeToUtf8Bytes(batch[i].Info, JobInfoJsonContext.Default.JobInfo);
            offsets[i] = _committed + buffer.Length;
            BinaryPrimitives.WriteUInt32LittleEndian(recordHeader, (uint)payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(recordHeader[4..], batch[i].JobId);
            BinaryPrimitives.WriteUInt64LittleEndian(recordHeader[8..], XxHash.Xxh3_64(payload));
            buffer.Write(recordHeader);
            buffer.Write(payload);
        }
        RandomAccess.Write(_log, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), _committed);
        for (int i = 0; i < batch.Count; i++)
        {
            long old = IndexEntry(batch[i].JobId);
            if (old != 0 && RecordLength(old) is long length) _dead += length;
        }
        _committed += buffer.Length;
        WriteHeader(_log, _stamp, _committed, _dead);
        Span<byte> entry = stackalloc byte[8];
        for (int i = 0; i < batch.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(entry, offsets[i]);
            RandomAccess.Write(_index, entry, 8L * batch[i].JobId);
        }
    }

    /// <summary>The latest info of a job, or null (never ran, or its record is damaged).</summary>
    public JobInfo? Read(uint jobId) => ReadRecord(_log, _committed, IndexEntry(jobId), jobId);

    /// <summary>Reads one job's info without opening the log for writing (lshow in any process): null when
    /// there is no log, no such job, or the index does not belong to the log.</summary>
    public static JobInfo? ReadOne(string lmakeDir, uint jobId)
    {
        try
        {
            using SafeFileHandle log = File.OpenHandle(LogPath(lmakeDir), FileMode.Open, FileAccess.Read);
            using SafeFileHandle index = File.OpenHandle(IndexPath(lmakeDir), FileMode.Open, FileAccess.Read);
            Span<byte> header = stackalloc byte[HeaderSize];
            if (ReadHeader(log, header) is not (ulong stamp, long committed, _)) return null;
            if (ReadLong(index, 0) != (long)stamp) return null;
            return ReadRecord(log, committed, ReadLong(index, 8L * jobId), jobId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Every whole record of a log in the order written (lmake_repair): job id and info.</summary>
    public static List<(uint JobId, JobInfo Info)> Scan(string logPath)
    {
        var records = new List<(uint, JobInfo)>();
        if (!File.Exists(logPath)) return records;
        using SafeFileHandle log = File.OpenHandle(logPath, FileMode.Open, FileAccess.Read);
        Span<byte> header = stackalloc byte[HeaderSize];
        if (ReadHeader(log, header) is not (_, long committed, _)) return records;
        ScanRecords(log, committed, (_, jobId, _, info) => records.Add((jobId, info)));
        return records;
    }

    public void Dispose()
    {
        _log.Dispose();
        _index.Dispose();
    }

    private static JobInfo? ReadRecord(SafeFileHandle log, long committed, long offset, uint jobId)
    {
        if (offset < HeaderSize || offset + RecordHeaderSize > committed) return null;
        Span<byte> recordHeader = stackalloc byte[RecordHeaderSize];
        if (RandomAccess.Read(log, recordHeader, offset) != RecordHeaderSize) return null;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader);
        if (BinaryPrimitives.ReadUInt32LittleEndian(recordHeader[4..]) != jobId) return null;
        if (length > MaxPayload || offset + RecordHeaderSize + length > committed) return null;
        var payload = new byte[length];
        if (RandomAccess.Read(log, payload, offset + RecordHeaderSize) != length) return null;
        if (XxHash.Xxh3_64(payload) != BinaryPrimitives.ReadUInt64LittleEndian(recordHeader[8..])) return null;
        try { return JsonSerializer.Deserialize(payload, JobInfoJsonContext.Default.JobInfo); }
        catch (JsonException) { return null; }
    }

    /// <summary>Calls <paramref name="each"/> (offset, job id, size with its header, info) for the records below
    /// <paramref name="committed"/>, in order; stops at the first damaged one (what follows cannot be framed).</summary>
    private static void ScanRecords(SafeFileHandle log, long committed, Action<long, uint, long, JobInfo> each)
    {
        Span<byte> recordHeader = stackalloc byte[RecordHeaderSize];
        for (long offset = HeaderSize; offset + RecordHeaderSize <= committed;)
        {
            if (RandomAccess.Read(log, recordHeader, offset) != RecordHeaderSize) return;
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader);
            uint jobId = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader[4..]);
            if (ReadRecord(log, committed, offset, jobId) is not JobInfo info) return;
            each(offset, jobId, RecordHeaderSize + length, info);
            offset += RecordHeaderSize + length;
        }
    }

    private long? RecordLength(long offset)
    {
        Span<byte> length = stackalloc byte[4];
        if (offset < HeaderSize || RandomAccess.Read(_log, length, offset) != 4) return null;
        return RecordHeaderSize + BinaryPrimitives.ReadUInt32LittleEndian(length);
    }

    private long IndexEntry(uint jobId) => ReadLong(_index, 8L * jobId);

    private ulong IndexStamp() => (ulong)ReadLong(_index, 0);

    /// <summary>The index rebuilt from the log: the last record of each job wins.</summary>
    private void RebuildIndex()
    {
        RandomAccess.SetLength(_index, 0);
        var latest = new Dictionary<uint, (long Offset, long Size)>();
        long live = 0;
        ScanRecords(_log, _committed, (offset, jobId, size, _) => latest[jobId] = (offset, size));
        Span<byte> entry = stackalloc byte[8];
        foreach (var (jobId, (offset, size)) in latest)
        {
            BinaryPrimitives.WriteInt64LittleEndian(entry, offset);
            RandomAccess.Write(_index, entry, 8L * jobId);
            live += size;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(entry, _stamp);
        RandomAccess.Write(_index, entry, 0);
        _dead = _committed - HeaderSize - live;
        WriteHeader(_log, _stamp, _committed, _dead);
    }

    /// <summary>Writes the latest record of every job to a new log and index (with a new stamp).</summary>
    private void CompactInto(string logPath, string indexPath)
    {
        using (var fresh = new JobInfoLog(
            File.OpenHandle(logPath, FileMode.Create, FileAccess.ReadWrite),
            File.OpenHandle(indexPath, FileMode.Create, FileAccess.ReadWrite), NewStamp(), HeaderSize, 0))
        {
            WriteHeader(fresh._log, fresh._stamp, HeaderSize, 0);
            long entries = RandomAccess.GetLength(_index) / 8;
            var batch = new List<(uint, JobInfo)>();
            for (uint jobId = 1; jobId < entries; jobId++)
            {
                if (Read(jobId) is JobInfo info) batch.Add((jobId, info));
                if (batch.Count == 1000) { fresh.Append(batch); batch.Clear(); }
            }
            if (batch.Count > 0) fresh.Append(batch);
            Span<byte> stamp = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(stamp, fresh._stamp);
            RandomAccess.Write(fresh._index, stamp, 0);
        }
    }

    /// <summary>Job infos of the older layout (LMAKE/jobs/ID, one JSON file each) moved into the log.</summary>
    private void TakeInOldLayout(string jobsDir)
    {
        if (!Directory.Exists(jobsDir)) return;
        var batch = new List<(uint, JobInfo)>();
        foreach (string file in Directory.GetFiles(jobsDir))
        {
            if (!uint.TryParse(Path.GetFileName(file), out uint jobId) || jobId == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize(File.ReadAllBytes(file), JobInfoJsonContext.Default.JobInfo) is JobInfo info && Read(jobId) is null)
                    batch.Add((jobId, info));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { }
        }
        if (batch.Count > 0) Append(batch);
        Directory.Delete(jobsDir, recursive: true);
    }

    private static (ulong Stamp, long Committed, long Dead)? ReadHeader(SafeFileHandle log, Span<byte> header)
    {
        if (RandomAccess.Read(log, header, 0) != HeaderSize) return null;
        if (BinaryPrimitives.ReadUInt64LittleEndian(header) != Magic) return null;
        long committed = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        long dead = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        if (committed < HeaderSize || dead < 0) return null;
        // a header written out before the records it counts (a power loss): only what is there counts; the
        // records' hashes tell the whole ones
        committed = Math.Min(committed, RandomAccess.GetLength(log));
        return (BinaryPrimitives.ReadUInt64LittleEndian(header[8..]), committed, dead);
    }

    private static void WriteHeader(SafeFileHandle log, ulong stamp, long committed, long dead)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], stamp);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], committed);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], dead);
        RandomAccess.Write(log, header, 0);
    }

    private static long ReadLong(SafeFileHandle file, long offset)
    {
        Span<byte> bytes = stackalloc byte[8];
        return RandomAccess.Read(file, bytes, offset) == 8 ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : 0;
    }

    private static ulong NewStamp()
    {
        Span<byte> random = stackalloc byte[8];
        Lmake.Common.SecureRandom.Fill(random);
        return BinaryPrimitives.ReadUInt64LittleEndian(random) | 1;
    }
}
