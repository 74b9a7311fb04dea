// Writes job infos (LMAKE/jobs/<id>) on a thread of its own, so the engine thread only builds them. The
// latest info of a job not yet written is kept here and served to readers (lshow) in its place.
namespace Lmake.Server.Admin;

internal sealed class JobInfoWriter
{
    public static readonly JobInfoWriter Instance = new();

    private readonly object _lock = new();
    private readonly Dictionary<string, JobInfo> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private bool _writing;
    private bool _idle;   // waiting for work: only then does a new info wake the writer
    private Thread? _thread;

    /// <summary>After writing what was queued, the writer pauses this long: the infos of the jobs that end
    /// meanwhile are then written in one wake-up instead of one each (a wake-up costs both threads a
    /// context switch, paid per job when jobs are short).</summary>
    private const int BatchPauseMs = 10;

    public void Enqueue(string path, JobInfo info)
    {
        lock (_lock)
        {
            if (!_pending.ContainsKey(path)) _order.Enqueue(path);
            _pending[path] = info;   // a job that ran again before its info was written: the latest only
            if (_thread == null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "job info writer" };
                _thread.Start();
            }
            if (_idle) Monitor.PulseAll(_lock);
        }
    }

    public JobInfo? Pending(string path)
    {
        lock (_lock) return _pending.GetValueOrDefault(path);
    }

    public void Flush()
    {
        lock (_lock)
            while (_order.Count > 0 || _writing) Monitor.Wait(_lock);
    }

    private void Run()
    {
        while (true)
        {
            lock (_lock)
            {
                _idle = true;
                while (_order.Count == 0) Monitor.Wait(_lock);
                _idle = false;
            }
            while (TakeNext(out string path, out JobInfo info))
            {
                JobInfos.WriteNow(path, info);
                Written(path, info);
            }
            Thread.Sleep(BatchPauseMs);
        }
    }

    private bool TakeNext(out string path, out JobInfo info)
    {
        lock (_lock)
        {
            if (!_order.TryDequeue(out path!)) { info = null!; return false; }
            info = _pending[path];
            _writing = true;
            return true;
        }
    }

    private void Written(string path, JobInfo info)
    {
        lock (_lock)
        {
            // keep serving it until on disk; a newer info queued meanwhile stays pending
            if (ReferenceEquals(_pending.GetValueOrDefault(path), info)) _pending.Remove(path);
            _writing = false;
            Monitor.PulseAll(_lock);
        }
    }
}
