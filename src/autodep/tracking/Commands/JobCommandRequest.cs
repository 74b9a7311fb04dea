// What one in-job command request does, on the reactor thread once the job's earlier accesses are in: the
// declarations (ldepend, ltarget) and the listings are answered here from the job's accesses; the rest
// (ldepend -v, lcheck_deps, lencode, ldecode) is asked of the job's IJobCommandHandler, and the reply waits
// for its Task. Verbs and their fields (after key, verb, cwd):
//   depend  FLAGS REGEX(0|1) WAIT(0|1) NAME...     -> ok [STATUS CHECKSUM ERROR(0|1)]... (one triple per NAME when WAIT)
//     STATUS: ok/error with the ignore-error flag, else -; CHECKSUM: with the read flag, else -; ERROR: the dep is in
//     error (or missing while required), whatever the flags (ldepend -v/-d exits 1 then)
//   target  FLAGS REGEX(0|1) NAME...                -> ok
//   list_deps | list_targets [DIR [REGEX]]          -> ok NAME...  (relative to CWD, absolute when CWD is outside the
//     repo; only those under DIR (empty: all), whose reported name matches REGEX as a whole (empty: all))
//   check_deps                                      -> ok 1|0
//   encode  TABLE CONTEXT MINLEN VALUE              -> ok CODE
//   decode  TABLE CONTEXT CODE                      -> ok VALUE   (error when there is no such code)
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Lmake.Autodep;

internal static class JobCommandRequest
{
    private static readonly ConcurrentDictionary<string, string> s_realRoots = new(StringComparer.Ordinal);

    public static void Handle(TrackedJob job, List<string> fields, Action<byte[]> reply)
    {
        try
        {
            string verb = fields[1], cwd = fields[2];
            // a job in a namespace says its cwd as it sees it (repo_view, views): names are resolved natively here
            if (job.Spec.Namespace is { } ns) cwd = ns.NativeName(cwd, job.Spec.RepoRoot);
            List<string> args = fields.GetRange(3, fields.Count - 3);
            IJobCommandHandler handler = job.Spec.CommandHandler ?? StandaloneJobCommands.Instance;
            switch (verb)
            {
                case "depend": Depend(job, handler, cwd, args, reply); return;
                case "target": Target(job, cwd, args, reply); return;
                case "list_deps": reply(JobChannelWire.Ok([.. Listed(job, cwd, args, DepsSoFar(job))])); return;
                case "list_targets": reply(JobChannelWire.Ok([.. Listed(job, cwd, args, TargetsSoFar(job))])); return;
                case "check_deps":
                    Answer(handler.CheckDeps(job, DepsSoFar(job)), ok => JobChannelWire.Ok(ok ? "1" : "0"), reply);
                    return;
                case "encode" when args.Count == 4:
                    Answer(handler.Encode(job, TableName(job, cwd, args[0]), args[1], args[3], Math.Max(1, Int(args[2]))),
                        code => JobChannelWire.Ok(code), reply);
                    return;
                case "decode" when args.Count == 3:
                    Answer(handler.Decode(job, TableName(job, cwd, args[0]), args[1], args[2]),
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
            // the job sees what it asked for: the status with ignore-error (it reads on whatever the dep is: a dep that
            // cannot be made is not in error, the job finds no file), the checksum with read (it looked at the
            // content); a required dep that cannot be made fails the command (and the job ends in dep_error)
            bool required = (flags & (DeclaredDepFlags.NotRequired | DeclaredDepFlags.ReaddirOk)) == 0;
            var results = new string[3 * verdicts.Count];
            for (int i = 0; i < verdicts.Count; i++)
            {
                bool builtInError = verdicts[i].Status is not ("ok" or "missing");
                bool inError = builtInError || (verdicts[i].Status == "missing" && required);
                results[3 * i] = (flags & DeclaredDepFlags.IgnoreError) == 0 ? "-" : builtInError ? "error" : "ok";
                results[3 * i + 1] = (flags & DeclaredDepFlags.Read) != 0 ? verdicts[i].Checksum : "-";
                results[3 * i + 2] = inError ? "1" : "0";
            }
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

    /// <summary>Deps so far, in first-access order: every name looked at (an ignored one only if looked at before it
    /// was ignored: the parser keeps no later look).</summary>
    public static List<string> DepsSoFar(TrackedJob job)
    {
        var names = new List<string>();
        foreach (Access a in job.Accesses.Accesses)
            if ((a.Kinds & Access.ReadKinds) != 0 && (a.TargetFlags & DeclaredTargetFlags.Ignore) == 0) names.Add(a.Name);
        return names;
    }

    /// <summary>Targets the job has now, in first-access order: written or declared, not ignored, and not removed
    /// since (a file the job unlinked and did not write again is no target of it any more).</summary>
    private static List<string> TargetsSoFar(TrackedJob job)
    {
        var names = new List<string>();
        // the job's stdout goes to its target from the start: written before anything the job does
        string? stdout = job.Spec.StdoutPath is { } path ? Tracked(job, path) : null;
        if (stdout is not null) names.Add(stdout);
        foreach (Access a in job.Accesses.Accesses)
        {
            if (a.Name == stdout) continue;
            bool target = (a.Kinds & (AccessKind.Write | AccessKind.Unlink)) != 0 || a.DeclaredTarget;
            if (!target || (a.TargetFlags & DeclaredTargetFlags.Ignore) != 0) continue;
            if ((a.Kinds & AccessKind.Unlink) != 0 && !OnDisk(Absolute(job, a.Name))) continue;
            names.Add(a.Name);
        }
        return names;
    }

    /// <summary>ldepend -l / ltarget -l: names as the caller would write them from its cwd (relative; absolute when
    /// the cwd is outside the repo, or for a file of an absolute source dir), under a dir and matching a regexpr
    /// (as a whole, on the name reported) when asked.</summary>
    private static List<string> Listed(TrackedJob job, string cwd, List<string> args, List<string> names)
    {
        string? cwdInRepo = RepoRelative(job, cwd);
        string? dir = args.Count > 0 && args[0].Length > 0 ? Path.GetFullPath(args[0], cwd).TrimEnd('/') : null;
        Regex? regex = args.Count > 1 && args[1].Length > 0 ? AnchoredRegex(args[1]) : null;
        var listed = new List<string>(names.Count);
        foreach (string name in names)
        {
            bool inRepo = !name.StartsWith('/');
            string abs = inRepo ? Absolute(job, name) : name;
            if (dir is not null && !Under(abs, dir, job)) continue;
            string shown = !inRepo || cwdInRepo is null ? abs
                : cwdInRepo.Length == 0 ? name : Path.GetRelativePath("/" + cwdInRepo, "/" + name);
            if (regex is not null && !regex.IsMatch(shown)) continue;
            listed.Add(shown);
        }
        return listed;
    }

    /// <summary>Is abs (a name of the repo made absolute with the repo root as given) under dir (absolute, maybe
    /// through the root's realpath)?</summary>
    private static bool Under(string abs, string dir, TrackedJob job)
    {
        if (Under(abs, dir) is not null) return true;
        string? dirInRepo = RepoRelative(job, dir);
        if (dirInRepo is null) return false;
        return dirInRepo.Length == 0 || Under(abs, Absolute(job, dirInRepo)) is not null;
    }

    private static bool OnDisk(string abs)
    {
        var info = new FileInfo(abs);
        return info.Exists || info.LinkTarget is not null;
    }

    private static Regex AnchoredRegex(string pattern)
    {
        try { return new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant); }
        catch (RegexParseException e) { throw new ArgumentException($"bad regexpr '{pattern}': {e.Error}"); }
    }

    private static string Absolute(TrackedJob job, string name) =>
        name.StartsWith('/') ? name : job.Spec.RepoRoot.TrimEnd('/') + "/" + name;

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

    /// <summary>The codec table a job names: a key of lmake.config.codecs, else a file or dir (FileName).</summary>
    private static string TableName(TrackedJob job, string cwd, string name) =>
        !name.Contains('/') && job.Spec.CodecTables.TryGetValue(name, out string? configured) ? configured : FileName(job, cwd, name.Length > 1 ? name.TrimEnd('/') : name);

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
        string? rel = RepoRelative(job, abs);
        if (rel is not null) return rel.Length == 0 ? null : rel;
        foreach (string dir in job.Spec.SourceDirs)
            if (abs.StartsWith(dir, StringComparison.Ordinal) && abs.Length > dir.Length) return abs;
        return null;
    }

    /// <summary>abs relative to the repo root ("" for the root itself), or null outside the repo; the root as
    /// given and its realpath are both tried.</summary>
    private static string? RepoRelative(TrackedJob job, string abs)
    {
        string root = job.Spec.RepoRoot.TrimEnd('/');
        string? rel = Under(abs, root);
        if (rel is null)
        {
            string real = s_realRoots.GetOrAdd(root, r => ChannelNative.RealPathOf(r).TrimEnd('/'));
            if (real != root) rel = Under(abs, real);
        }
        return rel;
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
