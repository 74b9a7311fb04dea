// What one in-job command request does, on the reactor thread once the job's earlier accesses are in: the
// declarations (ldepend, ltarget) and the listings are answered here from the job's accesses; the rest
// (ldepend -v, lcheck_deps, lencode, ldecode) is asked of the job's IJobCommandHandler, and the reply waits
// for its Task. Verbs and their fields (after key, verb, cwd):
//   depend  FLAGS REGEX(0|1) VERBOSE(0|1) NAME...  -> ok [STATUS CHECKSUM]... (one pair per NAME when verbose)
//   target  FLAGS REGEX(0|1) NAME...                -> ok
//   list_deps | list_targets                        -> ok NAME...
//   check_deps                                      -> ok 1|0
//   encode  TABLE CONTEXT MINLEN VALUE              -> ok CODE
//   decode  TABLE CONTEXT CODE                      -> ok VALUE   (error when there is no such code)
using System.Collections.Concurrent;
using System.Globalization;

namespace Lmake.Autodep;

internal static class JobCommandRequest
{
    private static readonly ConcurrentDictionary<string, string> s_realRoots = new(StringComparer.Ordinal);

    public static void Handle(TrackedJob job, List<string> fields, Action<byte[]> reply)
    {
        try
        {
            string verb = fields[1], cwd = fields[2];
            List<string> args = fields.GetRange(3, fields.Count - 3);
            IJobCommandHandler handler = job.Spec.CommandHandler ?? StandaloneJobCommands.Instance;
            switch (verb)
            {
                case "depend": Depend(job, handler, cwd, args, reply); return;
                case "target": Target(job, cwd, args, reply); return;
                case "list_deps": reply(JobChannelWire.Ok([.. DepsSoFar(job)])); return;
                case "list_targets": reply(JobChannelWire.Ok([.. TargetsSoFar(job)])); return;
                case "check_deps":
                    Answer(handler.CheckDeps(job, DepsSoFar(job)), ok => JobChannelWire.Ok(ok ? "1" : "0"), reply);
                    return;
                case "encode" when args.Count == 4:
                    Answer(handler.Encode(job, FileName(job, cwd, args[0]), args[1], args[3], Math.Max(1, Int(args[2]))),
                        code => JobChannelWire.Ok(code), reply);
                    return;
                case "decode" when args.Count == 3:
                    Answer(handler.Decode(job, FileName(job, cwd, args[0]), args[1], args[2]),
                        value => value is null
                            ? JobChannelWire.Error($"no code {args[2]} in context {args[1]} of {args[0]}")
                            : JobChannelWire.Ok(value),
                        reply);
                    return;
                default:
                    reply(JobChannelWire.Error($"unknown request '{verb}' with {args.Count} arguments"));
                    return;
            }
        }
        catch (Exception e)
        {
            // bad arguments, or a handler that threw instead of returning a faulted Task: the job must get an
            // answer in any case, it waits for one
            reply(JobChannelWire.Error(e.Message));
        }
    }

    private static void Depend(TrackedJob job, IJobCommandHandler handler, string cwd, List<string> args, Action<byte[]> reply)
    {
        if (args.Count < 3) throw new ArgumentException("depend: missing fields");
        var flags = (DeclaredDepFlags)Int(args[0]);
        bool regex = args[1] == "1", verbose = args[2] == "1";
        if (verbose) flags |= DeclaredDepFlags.Read;   // -v hands the job each dep's checksum: it has seen the content
        List<string> names = args.GetRange(3, args.Count - 3);
        if (regex)
        {
            if (verbose) throw new ArgumentException("-v cannot be used with -X (a regexpr names no file to wait for)");
            foreach (string r in names) job.Accesses.DeclarePattern(new DeclaredPattern(r, false, flags, DeclaredTargetFlags.None));
            reply(JobChannelWire.Ok());
            return;
        }
        var deps = new List<(string, bool)>(names.Count);
        var all = new List<string>(names.Count);
        foreach (string n in names)
        {
            // followed like a read: each link crossed is a dep too, the file it leads to is the declared one
            string abs = SymlinkWalk.Resolve(n.StartsWith('/') ? n : cwd + "/" + n, link =>
            {
                if (Tracked(job, link) is { } linkName) job.Accesses.Add(linkName, AccessKind.Readlink, true);
            });
            string? tracked = Tracked(job, abs);
            // the repo root may be allowed to be listed (ldepend -D .): named "." as the shim names its listing
            if (tracked is null && (flags & DeclaredDepFlags.ReaddirOk) != 0 && IsRepoRoot(job, abs)) tracked = ".";
            all.Add(tracked ?? abs);
            if (tracked is not null) deps.Add((tracked, Path.Exists(abs)));  // outside the repo: not a dep, as for the shim
        }
        job.Accesses.DeclareDeps(deps, flags);
        if (!verbose) { reply(JobChannelWire.Ok()); return; }
        Answer(handler.VerifyDeps(job, all), verdicts =>
        {
            if (verdicts.Count != all.Count) return JobChannelWire.Error($"internal error: {verdicts.Count} verdicts for {all.Count} deps");
            var results = new string[2 * verdicts.Count];
            for (int i = 0; i < verdicts.Count; i++) { results[2 * i] = verdicts[i].Status; results[2 * i + 1] = verdicts[i].Checksum; }
            return JobChannelWire.Ok(results);
        }, reply);
    }

    private static void Target(TrackedJob job, string cwd, List<string> args, Action<byte[]> reply)
    {
        if (args.Count < 2) throw new ArgumentException("target: missing fields");
        var flags = (DeclaredTargetFlags)Int(args[0]);
        List<string> names = args.GetRange(2, args.Count - 2);
        if (args[1] == "1")
        {
            foreach (string r in names) job.Accesses.DeclarePattern(new DeclaredPattern(r, true, DeclaredDepFlags.None, flags));
        }
        else
        {
            var tracked = new List<string>(names.Count);
            foreach (string n in names)
            {
                string abs = Path.GetFullPath(n, cwd);
                tracked.Add(Tracked(job, abs) ?? throw new ArgumentException($"{n} is outside the repo: it cannot be a target"));
            }
            job.Accesses.DeclareTargets(tracked, flags);
        }
        reply(JobChannelWire.Ok());
    }

    /// <summary>Deps so far, in first-access order: every name looked at, but those ignored.</summary>
    public static List<string> DepsSoFar(TrackedJob job)
    {
        var names = new List<string>();
        foreach (Access a in job.Accesses.Accesses)
            if ((a.Kinds & Access.ReadKinds) != 0 && (a.DepFlags & DeclaredDepFlags.Ignore) == 0) names.Add(a.Name);
        return names;
    }

    private static List<string> TargetsSoFar(TrackedJob job)
    {
        var names = new List<string>();
        foreach (Access a in job.Accesses.Accesses)
        {
            bool target = (a.Kinds & (AccessKind.Write | AccessKind.Unlink)) != 0 || a.TargetFlags != DeclaredTargetFlags.None
                          || (a.Declared && (a.Kinds & Access.ReadKinds) == 0);
            if (target && (a.TargetFlags & DeclaredTargetFlags.Ignore) == 0) names.Add(a.Name);
        }
        return names;
    }

    private static void Answer<T>(Task<T> task, Func<T, byte[]> toReply, Action<byte[]> reply)
    {
        task.ContinueWith(t =>
        {
            byte[] r;
            try { r = t.IsCompletedSuccessfully ? toReply(t.Result) : JobChannelWire.Error(Message(t.Exception)); }
            catch (Exception e) { r = JobChannelWire.Error(e.Message); }
            reply(r);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static string Message(AggregateException? e) =>
        e?.InnerException?.Message ?? e?.Message ?? "the request was cancelled";

    private static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>A file named by the job (a codec table): repo-relative when tracked, else absolute.</summary>
    private static string FileName(TrackedJob job, string cwd, string name)
    {
        string abs = Path.GetFullPath(name, cwd);
        return Tracked(job, abs) ?? abs;
    }

    /// <summary>The name the shim would give abs (repo-relative, or absolute under a source dir), or null
    /// outside. The job's cwd is physical (getcwd), the repo root may not be: both forms are tried.</summary>
    public static string? Tracked(TrackedJob job, string abs)
    {
        string root = job.Spec.RepoRoot.TrimEnd('/');
        string? rel = Under(abs, root);
        if (rel is null)
        {
            string real = s_realRoots.GetOrAdd(root, r => ChannelNative.RealPathOf(r).TrimEnd('/'));
            if (real != root) rel = Under(abs, real);
        }
        if (rel is not null) return rel.Length == 0 ? null : rel;
        foreach (string dir in job.Spec.SourceDirs)
            if (abs.StartsWith(dir, StringComparison.Ordinal) && abs.Length > dir.Length) return abs;
        return null;
    }

    private static bool IsRepoRoot(TrackedJob job, string abs)
    {
        string root = job.Spec.RepoRoot.TrimEnd('/');
        return Under(abs, root) == "" || Under(abs, s_realRoots.GetOrAdd(root, r => ChannelNative.RealPathOf(r).TrimEnd('/'))) == "";
    }

    private static string? Under(string abs, string root)
    {
        if (abs == root) return "";
        return abs.Length > root.Length && abs[root.Length] == '/' && abs.StartsWith(root, StringComparison.Ordinal)
            ? abs[(root.Length + 1)..] : null;
    }
}
