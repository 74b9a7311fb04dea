// The conversation between lmakeserver and a job_exec started by a remote backend (Slurm) on the node it was
// given: one TCP connection per job, made by job_exec to the address it was started with, in the frames of
// Lmake.Common.Protocol (4-byte length, 1-byte MessageKind, payload of PayloadWriter's forms).
//
//   job -> server  Hello          magic, protocol version, the job's key ("SLOT:SECRET", given in $LMAKE_JOB_KEY)
//   server -> job  Welcome        (key accepted)  or  Refused + reason, then the server closes
//   server -> job  JobOrder       what to run: argv, cwd, repo root, environment, source dirs, tracking method,
//                                 auto_mkdir, follow links, stdin/stdout files, live stdout wanted, timeout (ms,
//                                 -1 none), kill signals, tmp dir ("" : job_exec makes a fresh one and removes it),
//                                 nice value (0: none)
//   job -> server  JobVerifyDeps  id, files                       (ldepend -v)
//                  JobCheckDeps   id, deps so far                 (lcheck_deps)
//                  JobEncode      id, table, context, value, min length   (lencode)
//                  JobDecode      id, table, context, code        (ldecode)
//   server -> job  JobAnswer      id, ok; then the answer (verdicts: count, status and checksum each; a bool; a
//                                 code; present + value) or, when not ok, the error text
//   job -> server  JobStdout      a piece of the job's stdout, raw bytes (only when the order asked for it)
//   server -> job  JobKill        stop the job (^C, lmake kill): it still ends with JobEnd, killed
//   job -> server  JobEnd         the outcome: exit code, timed out, killed, stdout, stderr, wall and cpu (ticks),
//                                 max rss, host, tmp dir; the accesses (name, kinds, existed at first read, dep
//                                 flags, target flags, declared, declared target, parallel group, seen mtime,
//                                 written first) and the ldepend/ltarget -X patterns; then job_exec closes
//
// Requests may overlap (the job's processes ask at once); answers carry the id of their request. A connection
// cut before JobEnd is a lost job for the server, and a killed one for job_exec.
using Lmake.Common.Protocol;

namespace Lmake.Autodep.Remote;

/// <summary>What a remote job_exec is to run: a JobSpec without what only the running process can give (the
/// command handler, the live stdout callback).</summary>
public sealed record RemoteJobOrder(
    string[] Argv, string Cwd, string RepoRoot, IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> SourceDirs, AutodepMethod Method, bool AutoMkdir, bool FollowExternalLinks,
    string? StdinPath, string? StdoutPath, bool LiveStdout, TimeSpan? Timeout, IReadOnlyList<int> KillSignals,
    string TmpDir)
{
    /// <summary>lmake.config.nice or lmake -N (0: none).</summary>
    public int Nice { get; init; }
}

/// <summary>How a remote job ended, as job_exec saw it on its node.</summary>
public sealed record RemoteJobEnd(JobOutcome Outcome, string Host, string TmpDir);

public static class RemoteJobWire
{
    public static PayloadWriter Order(RemoteJobOrder o)
    {
        var w = new PayloadWriter().Strings(o.Argv).String(o.Cwd).String(o.RepoRoot).Int(o.Environment.Count);
        foreach (var (k, v) in o.Environment) w.String(k).String(v);
        w.Strings([.. o.SourceDirs]).Int((int)o.Method).Bool(o.AutoMkdir).Bool(o.FollowExternalLinks);
        Optional(w, o.StdinPath);
        Optional(w, o.StdoutPath);
        w.Bool(o.LiveStdout).Long(o.Timeout is TimeSpan t ? (long)t.TotalMilliseconds : -1).Int(o.KillSignals.Count);
        foreach (int s in o.KillSignals) w.Int(s);
        return w.String(o.TmpDir).Int(o.Nice);
    }

    public static RemoteJobOrder ReadOrder(Frame frame)
    {
        Expect(frame, MessageKind.JobOrder);
        PayloadReader r = frame.Reader();
        string[] argv = r.Strings();
        string cwd = r.String(), root = r.String();
        int n = Count(r.Int());
        var env = new Dictionary<string, string>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++) env[r.String()] = r.String();
        string[] sourceDirs = r.Strings();
        var method = (AutodepMethod)r.Int();
        bool autoMkdir = r.Bool(), follow = r.Bool();
        string? stdin = ReadOptional(ref r), stdout = ReadOptional(ref r);
        bool live = r.Bool();
        long timeoutMs = r.Long();
        var signals = new int[Count(r.Int())];
        for (int i = 0; i < signals.Length; i++) signals[i] = r.Int();
        string tmp = r.String();
        int nice = r.Int();
        return new RemoteJobOrder(argv, cwd, root, env, sourceDirs, method, autoMkdir, follow, stdin, stdout, live,
            timeoutMs < 0 ? null : TimeSpan.FromMilliseconds(timeoutMs), signals, tmp) { Nice = nice };
    }

    public static PayloadWriter End(RemoteJobEnd end)
    {
        JobOutcome o = end.Outcome;
        var w = new PayloadWriter().Int(o.ExitCode).Bool(o.TimedOut).Bool(o.Killed).String(o.Stdout).String(o.Stderr)
            .Long(o.Wall.Ticks).Long(o.Cpu.Ticks).Long(o.MaxRssBytes).String(end.Host).String(end.TmpDir).Int(o.Accesses.Count);
        foreach (Access a in o.Accesses)
            w.String(a.Name).Int((int)a.Kinds).Bool(a.ExistedAtFirstRead).Int((int)a.DepFlags).Int((int)a.TargetFlags)
                .Bool(a.Declared).Bool(a.DeclaredTarget).Int(a.ParallelGroup).Long(a.SeenMtimeNs).Bool(a.WrittenFirst);
        w.Int(o.Patterns.Count);
        foreach (DeclaredPattern p in o.Patterns) w.String(p.Regex).Bool(p.IsTarget).Int((int)p.DepFlags).Int((int)p.TargetFlags);
        return w;
    }

    public static RemoteJobEnd ReadEnd(Frame frame)
    {
        Expect(frame, MessageKind.JobEnd);
        PayloadReader r = frame.Reader();
        int exit = r.Int();
        bool timedOut = r.Bool(), killed = r.Bool();
        string stdout = r.String(), stderr = r.String();
        var wall = TimeSpan.FromTicks(r.Long());
        var cpu = TimeSpan.FromTicks(r.Long());
        long rss = r.Long();
        string host = r.String(), tmp = r.String();
        var accesses = new Access[Count(r.Int())];
        for (int i = 0; i < accesses.Length; i++)
        {
            string name = r.String();
            var kinds = (AccessKind)r.Int();
            bool existed = r.Bool();
            accesses[i] = new Access(name, kinds, existed)
            {
                DepFlags = (DeclaredDepFlags)r.Int(), TargetFlags = (DeclaredTargetFlags)r.Int(), Declared = r.Bool(),
                DeclaredTarget = r.Bool(), ParallelGroup = r.Int(), SeenMtimeNs = r.Long(), WrittenFirst = r.Bool(),
            };
        }
        var patterns = new DeclaredPattern[Count(r.Int())];
        for (int i = 0; i < patterns.Length; i++)
            patterns[i] = new DeclaredPattern(r.String(), r.Bool(), (DeclaredDepFlags)r.Int(), (DeclaredTargetFlags)r.Int());
        var outcome = new JobOutcome(exit, timedOut, killed, stdout, stderr, accesses, wall, cpu, rss) { Patterns = patterns };
        return new RemoteJobEnd(outcome, host, tmp);
    }

    // ---- in-job commands: job -> server requests, server -> job answers ----

    public static PayloadWriter VerifyDeps(int id, IReadOnlyList<string> files) => new PayloadWriter().Int(id).Strings([.. files]);
    public static PayloadWriter CheckDeps(int id, IReadOnlyList<string> deps) => new PayloadWriter().Int(id).Strings([.. deps]);
    public static PayloadWriter Encode(int id, string table, string context, string value, int minLen) =>
        new PayloadWriter().Int(id).String(table).String(context).String(value).Int(minLen);
    public static PayloadWriter Decode(int id, string table, string context, string code) =>
        new PayloadWriter().Int(id).String(table).String(context).String(code);

    public static PayloadWriter Verdicts(int id, IReadOnlyList<DepVerdict> verdicts)
    {
        var w = new PayloadWriter().Int(id).Bool(true).Int(verdicts.Count);
        foreach (DepVerdict v in verdicts) w.String(v.Status).String(v.Checksum);
        return w;
    }

    public static PayloadWriter Verdict(int id, bool upToDate) => new PayloadWriter().Int(id).Bool(true).Bool(upToDate);
    public static PayloadWriter Code(int id, string code) => new PayloadWriter().Int(id).Bool(true).String(code);
    public static PayloadWriter Value(int id, string? value) => Optional(new PayloadWriter().Int(id).Bool(true), value);
    public static PayloadWriter Failure(int id, string error) => new PayloadWriter().Int(id).Bool(false).String(error);

    /// <summary>The id of an answer, and a reader past it and its ok flag; a failed request is a RemoteJobException.</summary>
    public static int AnswerId(Frame frame, out PayloadReader rest, out string? error)
    {
        Expect(frame, MessageKind.JobAnswer);
        rest = frame.Reader();
        int id = rest.Int();
        error = rest.Bool() ? null : rest.String();
        return id;
    }

    public static IReadOnlyList<DepVerdict> ReadVerdicts(PayloadReader r)
    {
        var verdicts = new DepVerdict[Count(r.Int())];
        for (int i = 0; i < verdicts.Length; i++) verdicts[i] = new DepVerdict(r.String(), r.String());
        return verdicts;
    }

    public static string? ReadOptional(ref PayloadReader r) => r.Bool() ? r.String() : null;

    private static PayloadWriter Optional(PayloadWriter w, string? value) => value == null ? w.Bool(false) : w.Bool(true).String(value);

    private static int Count(int n) => n >= 0 ? n : throw new ProtocolException($"bad count {n} in a job message");

    private static void Expect(Frame frame, MessageKind kind)
    {
        if (frame.Kind != kind) throw new ProtocolException($"expected {kind}, got {frame.Kind}");
    }
}
