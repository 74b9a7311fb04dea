// Writes job infos (JobInfoLog) on a thread of its own, so the engine thread only builds them. The infos of
// the jobs that ended since the last write go to the log in one batch; the latest info of a job not yet
// written is kept here and served to readers (lshow) in its place.
namespace Lmake.Server.State;

internal sealed class JobInfoWriter
{
    public static readonly JobInfoWriter Instance = new();

    private readonly object _lock = new();
    private readonly Dictionary<(string LmakeDir, uint JobId), JobInfo> _pending = [];
    private readonly List<(string LmakeDir, uint JobId)> _order = [];
    private bool _writing;
    private bool _idle;   // waiting for work: only then does a new info wake the writer
    private Thread? _thread;

    /// <summary>After writing a batch, the writer pauses this long: the infos of the jobs that end meanwhile
    /// are then written in one wake-up instead of one each (a wake-up costs both threads a context switch,
    /// paid per job when jobs are short).</summary>
    private const int BatchPauseMs = 10;

    /// <summary>Queues the info of a job of the repo whose admin dir is <paramref name="lmakeDir"/>.</summary>
    public void Enqueue(string lmakeDir, uint jobId, JobInfo info)
    {
        lock (_lock)
        {
            if (!_pending.ContainsKey((lmakeDir, jobId))) _order.Add((lmakeDir, jobId));
            _pending[(lmakeDir, jobId)] = info;   // a job that ran again before its info was written: the latest only
            if (_thread == null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "job info writer" };
                _thread.Start();
            }
            if (_idle) Monitor.PulseAll(_lock);
        }
    }

    public JobInfo? Pending(string lmakeDir, uint jobId)
    {
        lock (_lock) return _pending.GetValueOrDefault((lmakeDir, jobId));
    }

    public void Flush()
    {
        lock (_lock)
            while (_order.Count > 0 || _writing) Monitor.Wait(_lock);
    }

    private void Run()
    {
        var logs = new Dictionary<string, JobInfoLog>();   // a server serves one repo; tests may run several
        while (true)
        {
            List<(string LmakeDir, uint JobId, JobInfo Info)> batch;
            lock (_lock)
            {
                _idle = true;
                while (_order.Count == 0) Monitor.Wait(_lock);
                _idle = false;
                batch = new List<(string LmakeDir, uint JobId, JobInfo Info)>(_order.Count);
                foreach (var k in _order) batch.Add((k.LmakeDir, k.JobId, _pending[k]));
                _order.Clear();
                _writing = true;
            }
            // grouped by hand rather than by LINQ: each LINQ operator over a new type pair adds its iterator
            // classes to the executable (issue 18)
            var repos = new List<string>();   // in the order of their first job in the batch
            var infosOf = new Dictionary<string, List<(uint JobId, JobInfo Info)>>();
            foreach (var (dir, jobId, info) in batch)
            {
                if (!infosOf.TryGetValue(dir, out var infos)) { infosOf[dir] = infos = []; repos.Add(dir); }
                infos.Add((jobId, info));
            }
            foreach (string dir in repos)
            {
                try
                {
                    if (!logs.TryGetValue(dir, out JobInfoLog? log)) logs[dir] = log = JobInfoLog.OpenForWriting(dir);
                    log.Append(infosOf[dir]);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // a record that cannot be written (disk full) only makes lshow and lmake_repair know less
                    Console.Error.WriteLine($"cannot record the infos of {infosOf[dir].Count} job(s) in {dir}: {e.Message}");
                }
            }
            Written(batch);
            Thread.Sleep(BatchPauseMs);
        }
    }

    private void Written(List<(string LmakeDir, uint JobId, JobInfo Info)> batch)
    {
        lock (_lock)
        {
            // served from here until on disk; a newer info queued meanwhile stays pending
            foreach (var (dir, jobId, info) in batch)
                if (ReferenceEquals(_pending.GetValueOrDefault((dir, jobId)), info)) _pending.Remove((dir, jobId));
            _writing = false;
            Monitor.PulseAll(_lock);
        }
    }
}
