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
    private Thread? _thread;

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
            Monitor.PulseAll(_lock);
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
            string path;
            JobInfo info;
            lock (_lock)
            {
                while (_order.Count == 0) Monitor.Wait(_lock);
                path = _order.Dequeue();
                info = _pending[path];
                _writing = true;
            }
            JobInfos.WriteNow(path, info);
            lock (_lock)
            {
                // keep serving it until on disk; a newer info queued meanwhile stays pending
                if (ReferenceEquals(_pending.GetValueOrDefault(path), info)) _pending.Remove(path);
                _writing = false;
                Monitor.PulseAll(_lock);
            }
        }
    }
}
