// lcache_server DIR: the daemon of one cache dir (cache.md). One per dir (DIR/LMAKE/server.lock), on TCP (the dir may
// be shared by hosts), its address in DIR/LMAKE/server. It owns the index of the runs (ReplacementPolicy: size, last
// use, cost) and so the size accounting: runs are written whole by lmake servers in DIR/LMAKE/tmp/, and put in place
// (renamed) by this server alone, after the runs the policy picks are taken away (renamed out first, then removed), so
// that the bounds hold exactly across every repo and server using the dir, and no reader ever sees a torn run. The
// index is made at start from the runs on disk (a run's last use is its info's date, set again at each hit).
// Started by lmake servers when nobody answers (`--auto`: exits once no client was connected for a short while,
// $LMAKE_CACHE_SERVER_IDLE_MS, default 1000), or by hand (runs until SIGTERM or ^C). The wire: CacheServerWire.cs.
using System.Runtime.InteropServices;
using Lmake.Common;
using Lmake.Common.Protocol;
using Lmake.Common.Sockets;
using Lmake.Server.Transport;

namespace Lmake.Server.Cache;

public sealed class CacheServer
{
    public static readonly TimeSpan DefaultIdleGrace = TimeSpan.FromMilliseconds(1000);

    private readonly string _dir;
    private readonly CacheDirSettings _settings;
    private readonly ReplacementPolicy _policy;
    private readonly TextWriter _log;
    private readonly object _gate = new();   // the index and the dir's runs: one request at a time
    private string _key = "";
    private int _connections;
    private long _idleSince = Environment.TickCount64;

    private CacheServer(string dir, CacheDirSettings settings, TextWriter log)
    {
        _dir = dir;
        _settings = settings;
        _policy = new ReplacementPolicy(settings.Size, settings.MaxRunsPerJob);
        _log = log;
    }

    /// <summary>Serves <paramref name="dir"/>; the exit code of lcache_server(1).</summary>
    /// <param name="idleGrace">null: serve until a signal (by hand)</param>
    public static int Run(string dir, TimeSpan? idleGrace, TextWriter log)
    {
        dir = Path.GetFullPath(dir).TrimEnd('/');
        if (dir.Length == 0) dir = "/";
        if (!File.Exists(Path.Combine(dir, "LMAKE", "config.py")))
        {
            log.WriteLine($"lcache_server: {dir} is no cache dir: it has no LMAKE/config.py (make it by hand, with size = ...)");
            return ExitCode.BadConfig;
        }
        try
        {
            // the lock first: of the servers started at once, the losers leave at once
            using FileLock? held = FileLock.TryAcquire(CacheServerWire.LockFile(dir));
            if (held is null)
            {
                log.WriteLine($"lcache_server: another lcache_server serves {dir}" +
                    (CacheServerWire.ReadAddress(dir) is { } a ? $" (at {a.Host}:{a.Port})" : ""));
                return idleGrace is null ? ExitCode.BadServer : ExitCode.Ok;   // started by lmake: it meets the winner
            }
            CacheDirSettings settings;
            try { settings = CacheDirSettings.Read(dir); }
            catch (CacheConfigException e)
            {
                log.WriteLine($"lcache_server: {e.Message}");
                return ExitCode.BadConfig;
            }
            if (CheckVersion(dir, log) is int bad) return bad;
            var server = new CacheServer(dir, settings, log);
            server.LoadIndex();
            return server.Serve(idleGrace);
        }
        catch (UnauthorizedAccessException e)
        {
            log.WriteLine($"lcache_server: permission denied: {e.Message}");
            return ExitCode.Permission;
        }
        catch (IOException e)
        {
            log.WriteLine($"lcache_server: {e.Message}");
            return ExitCode.SyscallFailed;
        }
    }

    private static int? CheckVersion(string dir, TextWriter log)
    {
        string file = CacheServerWire.VersionFile(dir);
        if (File.Exists(file))
        {
            string v = File.ReadAllText(file).Trim();
            if (v == CacheServerWire.Version) return null;
            log.WriteLine($"lcache_server: {dir} is a cache of another version ('{v}', this is '{CacheServerWire.Version}'): clean it and make it again");
            return ExitCode.BadCache;
        }
        WriteAtomically(file, CacheServerWire.Version + "\n", null);
        return null;
    }

    private static void WriteAtomically(string path, string text, UnixFileMode? mode)
    {
        string tmp = $"{path}.{Environment.ProcessId}.new";
        File.WriteAllText(tmp, text);
        if (mode is UnixFileMode m) File.SetUnixFileMode(tmp, m);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Every whole run on disk into the index; what a server was taking away when it died goes.</summary>
    private void LoadIndex()
    {
        string tmp = CacheServerWire.TmpDir(_dir);
        if (Directory.Exists(tmp))
            foreach (string left in Directory.EnumerateDirectories(tmp, "evicted-*")) RemoveTree(left);
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        string admin = CacheServerWire.AdminDir(_dir) + "/";
        foreach (string info in Directory.EnumerateFiles(_dir, "info", options))
        {
            if (info.StartsWith(admin, StringComparison.Ordinal)) continue;
            string run = Path.GetDirectoryName(info)!;
            string job = Path.GetRelativePath(_dir, Path.GetDirectoryName(run)!);
            if (ReadRun(run, job, Path.GetFileName(run)) is (ReplacementPolicy.Run r, _))
                _policy.Load(r, File.GetLastWriteTimeUtc(info).Ticks);
        }
        _log.WriteLine($"lcache_server: {_policy.Count} runs, {_policy.TotalSize} bytes of {_policy.SizeBound} in {_dir}");
    }

    /// <summary>The run in folder <paramref name="run"/> as the index holds it, and the time it took to run; null when
    /// it is no whole run.</summary>
    private static (ReplacementPolicy.Run Run, TimeSpan ExecTime)? ReadRun(string run, string job, string id)
    {
        try
        {
            var info = new FileInfo(Path.Combine(run, "info"));
            var data = new FileInfo(Path.Combine(run, "data"));
            if (!data.Exists || CacheEntry.Parse(File.ReadAllText(info.FullName)) is not CacheEntry e) return null;
            TimeSpan cost = e.CpuTime > TimeSpan.Zero ? e.CpuTime : e.ExecTime;
            return (new ReplacementPolicy.Run(job, id, info.Length + data.Length, cost.TotalSeconds, e.RepoKey, e.Stored.Ticks), e.ExecTime);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private int Serve(TimeSpan? idleGrace)
    {
        LoopbackListener listening;
        try { listening = new LoopbackListener(0); }
        catch (IOException e)
        {
            _log.WriteLine($"lcache_server: {e.Message}");
            return ExitCode.BadServer;
        }
        using LoopbackListener listener = listening;
        _key = SecureRandom.Hex(16);
        string host = Environment.MachineName + (_settings.DomainName.Length > 0 ? "." + _settings.DomainName.TrimStart('.') : "");
        UnixFileMode mode = File.GetUnixFileMode(Path.Combine(_dir, "LMAKE", "config.py"))
                            & (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead);
        string address = CacheServerWire.AddressFile(_dir);
        WriteAtomically(address, $"{host} {listener.Port}\n{_key}\n", mode | UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _log.WriteLine($"lcache_server: serving {_dir} at {host}:{listener.Port} (pid {Environment.ProcessId})");
        _log.Flush();
        bool stop = false;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; Volatile.Write(ref stop, true); listener.Wake(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; Volatile.Write(ref stop, true); listener.Wake(); });
        try
        {
            while (!Volatile.Read(ref stop))
            {
                int wait = -1;
                if (idleGrace is TimeSpan grace && Volatile.Read(ref _connections) == 0)
                {
                    long left = Interlocked.Read(ref _idleSince) + (long)grace.TotalMilliseconds - Environment.TickCount64;
                    if (left <= 0) break;
                    wait = (int)left;
                }
                if (listener.Accept(wait) is LoopbackStream client)
                {
                    Interlocked.Increment(ref _connections);
                    new Thread(() => Converse(client, listener)) { IsBackground = true, Name = "lcache client" }.Start();
                }
            }
        }
        finally
        {
            // the address goes first, while we still hold the lock: a client that reads it then finds nobody and
            // starts the next server, which waits for nothing
            if (CacheServerWire.ReadAddress(_dir) is { } mine && mine.Key == _key)
                try { File.Delete(address); }
                catch (IOException) { }
            _log.WriteLine($"lcache_server: stops ({_policy.Count} runs, {_policy.TotalSize} bytes)");
            _log.Flush();
        }
        return ExitCode.Ok;
    }

    private void Converse(LoopbackStream client, LoopbackListener listener)
    {
        try
        {
            client.SetNoDelay();
            using StreamReader reader = CacheServerWire.Reader(client);
            using StreamWriter writer = CacheServerWire.Writer(client);
            string[]? hello = reader.ReadLine()?.Split('\t');
            if (hello is not [CacheServerWire.Greeting, string key] || key != _key)
            {
                writer.Write(CacheServerWire.Line("refused", "not an lcache-cs client of this server (key or version)"));
                writer.Flush();
                return;
            }
            writer.Write(CacheServerWire.Line("ok"));
            writer.Flush();
            while (reader.ReadLine() is string line)
            {
                string answer;
                lock (_gate) answer = Answer(line.Split('\t'));
                if (answer.StartsWith("refused", StringComparison.Ordinal) || answer.StartsWith("error", StringComparison.Ordinal))
                {
                    _log.Write($"{line.Split('\t')[0]}: {answer.Replace('\t', ' ')}");   // (the answer ends its line)
                    _log.Flush();
                }
                writer.Write(answer);
                writer.Flush();
            }
        }
        catch (IOException) { }   // the client went away
        finally
        {
            client.Dispose();
            Interlocked.Exchange(ref _idleSince, Environment.TickCount64);
            Interlocked.Decrement(ref _connections);
            listener.Wake();
        }
    }

    private string Answer(string[] request)
    {
        switch (request)
        {
            case ["runs", string job] when CacheServerWire.IsName(job):
                return string.Concat(_policy.RunsOf(job).Select(r => CacheServerWire.Line("run", r.Id))) + CacheServerWire.Line("end");
            case ["used", string job, string id] when CacheServerWire.IsName(job) && CacheServerWire.IsName(id):
                if (!_policy.Use(job, id, DateTime.UtcNow.Ticks)) return CacheServerWire.Line("gone");
                try { File.SetLastWriteTimeUtc(Path.Combine(_dir, job, id, "info"), DateTime.UtcNow); }   // the last use, for the next server
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                return CacheServerWire.Line("ok");
            case ["commit", string tmp, string job, string id] when CacheServerWire.IsName(tmp) && !tmp.Contains('/')
                                                                    && CacheServerWire.IsName(job) && CacheServerWire.IsName(id) && !id.Contains('/'):
                return Commit(tmp, job, id);
            case ["status"]:
                return CacheServerWire.Line("size", _policy.TotalSize.ToString(), _policy.Count.ToString(), _policy.SizeBound.ToString());
            default:
                return CacheServerWire.Line("error", $"no such request: {string.Join(' ', request)}");
        }
    }

    private string Commit(string tmpName, string job, string id)
    {
        string tmp = Path.Combine(CacheServerWire.TmpDir(_dir), tmpName);
        try
        {
            if (!Directory.Exists(tmp)) return CacheServerWire.Line("refused", $"no run in LMAKE/tmp/{tmpName}");
            string place = Path.Combine(_dir, job, id);
            if (_policy.Find(job, id) is not null || Directory.Exists(place)) return CacheServerWire.Line("exists");
            if (ReadRun(tmp, job, id) is not (ReplacementPolicy.Run run, TimeSpan exec)) return CacheServerWire.Line("refused", "not a whole run");
            // max_rate: the bytes it takes in the cache per second the job ran
            double seconds = Math.Max(exec.TotalSeconds, 0.001);
            if (run.Size > _settings.MaxRate * seconds)
                return CacheServerWire.Line("refused", $"{run.Size} bytes made in {seconds:0.###} s: more than max_rate ({_settings.MaxRate} B/s)");
            if (_policy.Admit(run, DateTime.UtcNow.Ticks) is not List<ReplacementPolicy.Run> victims)
                return CacheServerWire.Line("refused", $"{run.Size} bytes: more than the whole cache ({_settings.Size})");
            foreach (ReplacementPolicy.Run v in victims) TakeAway(v);
            try
            {
                CacheDirModes.CreateDirectory(_dir, Path.Combine(_dir, job));
                Directory.Move(tmp, place);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _policy.Remove(run);
                return CacheServerWire.Line("refused", e.Message);
            }
            _log.WriteLine($"stored {job}/{id} ({run.Size} bytes){(victims.Count > 0 ? $", took away {string.Join(' ', victims.Select(v => v.Job + "/" + v.Id))}" : "")}");
            _log.Flush();
            return CacheServerWire.Line("stored");
        }
        finally { if (Directory.Exists(tmp)) RemoveTree(tmp); }
    }

    /// <summary>A run out of the dir: renamed out of its job's folder first (a reader sees it whole or not at all).</summary>
    private void TakeAway(ReplacementPolicy.Run run)
    {
        string place = Path.Combine(_dir, run.Job, run.Id);
        try
        {
            string trash = Path.Combine(CacheServerWire.TmpDir(_dir), "evicted-" + SecureRandom.Hex(8));
            Directory.Move(place, trash);
            RemoveTree(trash);
            Directory.Delete(Path.Combine(_dir, run.Job));   // when it was the job's last run
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void RemoveTree(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
