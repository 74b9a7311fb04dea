// lshow (spec C): what lmake knows of files and jobs, for people (aligned text) or scripts (-p Python
// literal, --json), each a dict keyed by the names asked. Runs on the engine thread: it sees a running
// build's current state and never waits for its jobs.
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Engine;
using Lmake.Server.Rules;
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server.Admin;

public static class Lshow
{
    public static int Run(AdminContext ctx, ClientRequest request, AdminOptions o, IClientOutput output)
    {
        var answer = new ShowDict();
        bool allAnswered = true;
        if (o.What == 'r')
        {
            // keyed by the jobs found, not by the names asked (lshow(1))
            ShowMap running = Running(ctx, o.Names.Select(typed => ctx.RepoName(typed, request.Cwd)).ToList(), o);
            switch (o.Form)
            {
                case OutputForm.Porcelaine: output.Out(ShowForms.Python(running)); break;
                case OutputForm.Json: output.Out(ShowForms.Json(running)); break;
                default: foreach (string l in RunningLines(running, o, "")) output.Out(l); break;
            }
            return ExitCode.Ok;
        }
        foreach (string typed in o.Names)
        {
            string name = ctx.RepoName(typed, request.Cwd);
            object? value = Answer(ctx, o, name, out string? missing);
            if (missing != null)
            {
                output.Err($"lshow: {typed}: {missing}");
                allAnswered = false;
            }
            answer.Add(name, value);
        }
        // a job asked by its name (-J): its value alone (lshow(1)); files: a dict keyed by them
        object? shown = o.Jobs && answer.Count == 1 ? answer[0].Value : answer;
        switch (o.Form)
        {
            case OutputForm.Porcelaine: output.Out(ShowForms.Python(shown)); break;
            case OutputForm.Json: output.Out(ShowForms.Json(shown)); break;
            default:
                if (answer.Count == 1) foreach (string l in ShowForms.Plain(answer[0].Value)) output.Out(l);
                else foreach (string l in ShowForms.Plain(answer)) output.Out(l);
                break;
        }
        return allAnswered ? ExitCode.Ok : ExitCode.BuildFailed;
    }

    private static object? Answer(AdminContext ctx, AdminOptions o, string name, out string? missing)
    {
        missing = null;
        switch (o.What)
        {
            case 'D': return Dependents(ctx, name);
            case 'T': return Candidates(ctx, name);
            case 'b': return BillOfMaterials(ctx, name);
            case 'u': return Trace(ctx, name);
        }
        Job? job = ctx.JobOf(name, o.Rule, out string why);
        if (job == null)
        {
            missing = why;
            return null;
        }
        JobInfo? info = JobInfos.Read(ctx.RepoRoot, job.Id);
        switch (o.What)
        {
            case 'i': return Info(ctx, job, info);
            case 'd':
            {
                object deps = o.Form == OutputForm.Plain ? DepLines(ctx, job, o) : DepGroups(ctx, job, o);
                if (o.Jobs || o.Form == OutputForm.Plain) return deps;
                // a file: every job that makes it, with what it is to the file (lshow(1))
                return new ShowMap { { new ShowTuple(job.Rule.Name, job.Name, "generating"), deps } };
            }
            case 't': return Targets(ctx, job);
            case 'c': return new ShowText(job.Plan.Script.EndsWith('\n') || job.Plan.Script.Length == 0 ? job.Plan.Script : job.Plan.Script + "\n");
            case 'E': return Environment(ctx, job);
            case 'o':
            case 'e':
                if (info == null)
                {
                    missing = $"job {job.Rule.Name} {job.Name} has no recorded run";
                    return null;
                }
                return new ShowText(o.What == 'o' ? info.Stdout : info.Stderr);
        }
        throw new UsageException($"lshow: -{o.What}: unknown");
    }

    /// <summary>lshow -i: the keys of lshow(1), those that tell nothing (0, false, empty) left out.</summary>
    private static ShowDict Info(AdminContext ctx, Job job, JobInfo? info)
    {
        JobPlan plan = job.Plan;
        var d = new ShowDict
        {
            { "rule", job.Rule.Name },
            { "job", job.Name },
            { "ids", $"job={job.Id}" },
        };
        if (info is { Reason.Length: > 0 }) d.Add("reason", info.Reason);
        if (info is { Host.Length: > 0 }) d.Add("host", info.Host);
        if (info != null)
        {
            d.Add("cpu time", info.CpuSeconds);
            if (info.MaxRssBytes > 0) d.Add("used mem", info.MaxRssBytes);
            d.Add("elapsed in job", info.ExecSeconds);
            if (info.End >= info.Start && info.Start != default) d.Add("elapsed total", (info.End - info.Start).TotalSeconds);
            d.Add("start date", AdminContext.FormatDate(info.Start));
            d.Add("end date", AdminContext.FormatDate(info.End));
            long size = 0;
            foreach (JobInfoFile t in info.Targets)
            {
                try { var f = new FileInfo(Path.Combine(ctx.RepoRoot, t.Name)); if (f.Exists) size += f.Length; }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            if (size > 0) d.Add("total targets size", size);
            // where the job's $TMPDIR was; still there only when kept (keep_tmp, lmake -t)
            if (info.TmpDir.Length > 0) d.Add("tmp dir", info.TmpDir);
            if (info.TmpKept) d.Add("tmp kept", true);
        }
        if (plan.AutoMkdir) d.Add("auto_mkdir", true);
        d.Add("autodep", plan.Autodep);
        d.Add("backend", info?.Backend ?? plan.Backend);
        if (plan.CheckAbsPaths) d.Add("check_abs_paths", true);
        if (plan.Views is { } ns)
        {
            if (!string.IsNullOrEmpty(ns.ChrootDir)) d.Add("chroot_dir", ns.ChrootDir);
            if (ns.ChrootActions.Count > 0) d.Add("chroot_actions", string.Join(",", ns.ChrootActions));
            if (ns.KillDaemons) d.Add("kill_daemons", true);
            if (!string.IsNullOrEmpty(ns.LmakeView)) d.Add("lmake_view", ns.LmakeView);
        }
        if (plan.ReaddirOk) d.Add("readdir_ok", true);
        if (plan.Views is { RepoView.Length: > 0 } rv) d.Add("repo_view", rv.RepoView);
        if (plan.Timeout is TimeSpan timeout && timeout > TimeSpan.Zero) d.Add("timeout", timeout.TotalSeconds);
        if (plan.Views is { TmpView.Length: > 0 } tv) d.Add("tmp_view", tv.TmpView);
        if (plan.UseScript) d.Add("use_script", true);
        if (plan.Views is { Views.Count: > 0 } vs) d.Add("views", ShownViews(vs.Views));
        d.Add("run status", job.Status == JobStatus.DepError ? "dep_err" : "ok");
        string status = job.Running is { IsOver: false } running ? (running.Started == default ? "queued" : "running")
            : job.Status switch { JobStatus.Never => "new", JobStatus.Failed => "err", JobStatus.DepError => info?.Status == "failed" ? "err" : "ok", _ => "ok" };
        d.Add("status", status);
        if (info != null && job.Running is not { IsOver: false })
            d.Add("rc", info.ExitCode switch
            {
                0 => info.Stderr.Length > 0 && !plan.StderrOk ? "ok (with non-empty stderr)" : "ok",
                > 128 and < 128 + 65 => $"exit {info.ExitCode} (could be signal {info.ExitCode - 128})",
                < 0 => $"signal {-info.ExitCode}",
                _ => $"exit {info.ExitCode}",
            });
        var resources = new ShowDict();
        foreach (var (k, v) in (IEnumerable<KeyValuePair<string, string>>?)info?.Resources ?? plan.Resources) resources.Add(k, v);
        d.Add("resources", resources);
        if (job.Running is { IsOver: false } run && run.Started != default) d.Add("running since", AdminContext.FormatDate(run.Started));
        return d;
    }

    /// <summary>views as lshow -i shows them: each dir (no trailing '/') to its physical dir, or to the dirs of its overlay.</summary>
    private static ShowDict ShownViews(IReadOnlyList<ViewSpec> views)
    {
        static string Dir(string name) => name.Length > 1 ? name.TrimEnd('/') : name;
        var shown = new ShowDict();
        foreach (ViewSpec v in views)
        {
            if (v.Bind is string bind) { shown.Add(Dir(v.View), Dir(bind)); continue; }
            var overlay = new ShowDict { { "upper", Dir(v.Upper!) } };
            var lower = new ShowTuple();
            lower.AddRange(v.Lower.Select(l => (object?)Dir(l)));
            overlay.Add("lower", lower);
            if (v.CopyUp.Count > 0) { var up = new ShowTuple(); up.AddRange(v.CopyUp); overlay.Add("copy_up", up); }
            shown.Add(Dir(v.View), overlay);
        }
        return shown;
    }

    /// <summary>The deps a job saw (its static ones when it never ran), each with its static key if any: those not
    /// on disk only with -v (lshow(1)).</summary>
    private static IEnumerable<(DepFlags Flags, DepAccesses Accesses, bool IsStatic, string Key, string Name, string Checksum)> ShownDeps(AdminContext ctx, Job job, AdminOptions o)
    {
        var staticOf = new Dictionary<string, StaticDep>(StringComparer.Ordinal);
        foreach (StaticDep sd in job.Plan.StaticDeps) staticOf.TryAdd(sd.Name, sd);
        // (a list rather than a Select over the dep records: LINQ over a value type brings its own iterator classes, issue 18)
        var deps = new List<(string Name, bool Static, DepFlags Flags, DepAccesses Accesses, string Checksum)>();
        foreach (DepRecord d in job.Deps) deps.Add((ctx.Graph.NodeById(d.NodeId).Name, d.IsStatic, d.Flags, d.Accesses, d.Seen.ToString()));
        if (job.Deps.Length == 0)   // never ran: its static deps only
            foreach (StaticDep d in job.Plan.StaticDeps) deps.Add((d.Name, true, d.Flags, DepAccesses.None, ""));
        foreach (var (name, isStatic, flags, accesses, checksum) in deps)
        {
            StaticDep? sd = isStatic && staticOf.TryGetValue(name, out StaticDep? found) ? found : null;
            if (!o.Verbose && !ctx.Graph.IsFileOnDisk(name)) continue;
            yield return (sd?.Flags ?? flags, accesses, isStatic, sd?.Key ?? "", name, checksum);
        }
    }

    /// <summary>Dep flags as lshow(1) prints them: E essential, c critical, e ignore error, r required, S static.</summary>
    private static string DepFlagLetters(DepFlags f, bool isStatic) => new([
        f.HasFlag(DepFlags.Essential) ? 'E' : '-', f.HasFlag(DepFlags.Critical) ? 'c' : '-', f.HasFlag(DepFlags.IgnoreError) ? 'e' : '-',
        f.HasFlag(DepFlags.Required) ? 'r' : '-', isStatic ? 'S' : '-']);

    /// <summary>Accesses: L as a link, R as a regular file, T existence tested, E status asked (not told apart here).</summary>
    private static string AccessLetters(DepAccesses a) => new([
        a.HasFlag(DepAccesses.Lnk) ? 'L' : '-', a.HasFlag(DepAccesses.Reg) ? 'R' : '-', a.HasFlag(DepAccesses.Stat) ? 'T' : '-', '-']);

    /// <summary>lshow -d -p: a tuple of groups of parallel deps, each dep a (flags, accesses, key, name) tuple.</summary>
    private static ShowTuple DepGroups(AdminContext ctx, Job job, AdminOptions o)
    {
        var groups = new ShowTuple();
        foreach (var (flags, accesses, isStatic, key, name, _) in ShownDeps(ctx, job, o))
            groups.Add(new ShowSet { new ShowTuple(DepFlagLetters(flags, isStatic), AccessLetters(accesses), key, name) });
        return groups;
    }

    /// <summary>lshow -d: one line a dep (flags, accesses, checksum with -v, key, name), or its name alone with -q.</summary>
    private static ShowText DepLines(AdminContext ctx, Job job, AdminOptions o)
    {
        var deps = ShownDeps(ctx, job, o).ToList();
        int keyWidth = deps.Count == 0 ? 0 : deps.Max(d => d.Key.Length);
        var sb = new System.Text.StringBuilder();
        foreach (var (flags, accesses, isStatic, key, name, checksum) in deps)
        {
            if (o.Quiet) { sb.Append(name).Append('\n'); continue; }
            sb.Append(DepFlagLetters(flags, isStatic)).Append(' ').Append(AccessLetters(accesses)).Append(' ');
            if (o.Verbose) sb.Append((checksum.Length > 0 ? checksum : "?").PadRight(19)).Append(' ');
            if (keyWidth > 0) sb.Append(key.PadRight(keyWidth)).Append(' ');
            sb.Append(name).Append('\n');
        }
        return new ShowText(sb.ToString());
    }

    private static ShowTable Targets(AdminContext ctx, Job job)
    {
        var table = new ShowTable();
        var names = job.Plan.Targets.Concat(job.Targets.Select(t => t.Name)).Distinct(StringComparer.Ordinal);
        foreach (string name in names)
        {
            int i = IndexOf(job.Plan.Targets, name);
            TargetFlags f = i >= 0 ? job.Plan.TargetFlags[i] : job.Plan.IsStarTarget(name, out TargetFlags sf) ? sf : TargetFlags.None;
            bool written = job.Targets.Any(t => t.Name == name);
            string flags = new([i >= 0 ? 'S' : '-', f.HasFlag(TargetFlags.Incremental) ? 'I' : '-', f.HasFlag(TargetFlags.Optional) ? 'O' : '-',
                f.HasFlag(TargetFlags.Phony) ? 'P' : '-', written ? 'W' : '-']);
            string checksum = ctx.Graph.DiskChecksum(ctx.Graph.Node(name)).ToString();
            table.Add(new ShowDict { { "flags", flags }, { "checksum", checksum }, { "name", name } });
        }
        return table;
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == name) return i;
        return -1;
    }

    private static ShowDict Environment(AdminContext ctx, Job job)
    {
        string tmp = ctx.LmakeDir.TmpOf(job.Id);
        var d = new ShowDict();
        foreach (var (k, v) in JobEnvironment.Of(ctx, job, tmp).OrderBy(kv => kv.Key, StringComparer.Ordinal)) d.Add(k, v);
        return d;
    }

    private static ShowTable Dependents(AdminContext ctx, string name)
    {
        var table = new ShowTable();
        Node node = ctx.Graph.Node(name);
        foreach (StoredJob j in ctx.StoredJobs())
        {
            if (j.Status == JobStatus.Never) continue;
            foreach (StoredDep d in j.Deps)
                if (d.Node == node.Id)
                {
                    table.Add(new ShowDict { { "flags", d.IsStatic ? "S" : "-" }, { "rule", j.Rule }, { "job", j.Name } });
                    break;
                }
        }
        return table;
    }

    private static ShowTable Candidates(AdminContext ctx, string name)
    {
        var table = new ShowTable();
        Node node = ctx.Node(name);
        if (node.Kind == NodeKind.Source && ctx.Graph.IsSource(name))
        {
            table.Add(new ShowDict { { "chosen", "*" }, { "prio", "" }, { "rule", "src" }, { "job", name } });
            return table;
        }
        foreach (RuleMatch m in ctx.Graph.Index!.Candidates(name))
        {
            bool chosen = node.Producer != null ? node.Producer.Rule == m.Rule : m.Rule.Kind == RuleKind.Source && node.Kind == NodeKind.Source;
            string job = m.Rule.IsSpecial ? $"({m.Rule.Kind.ToString().ToLowerInvariant()} rule)" : ctx.Graph.Evaluator!.Plan(m).JobName;
            table.Add(new ShowDict { { "chosen", chosen ? "*" : "-" }, { "prio", m.Rule.Prio.ToString(System.Globalization.CultureInfo.InvariantCulture) }, { "rule", m.Rule.Name }, { "job", job } });
        }
        return table;
    }

    private static List<object?> BillOfMaterials(AdminContext ctx, string name)
    {
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        var seenJobs = new HashSet<uint>();
        var pending = new Stack<string>();
        var seenNodes = new HashSet<string>(StringComparer.Ordinal);
        pending.Push(name);
        while (pending.Count > 0)
        {
            string n = pending.Pop();
            if (!seenNodes.Add(n)) continue;
            Node node = ctx.Node(n);
            if (node.Kind == NodeKind.Source) { sources.Add(n); continue; }
            if (node.WrittenBy != 0 && node.WrittenBy <= ctx.Graph.Store.JobCount)
            {
                if (!seenJobs.Add(node.WrittenBy)) continue;
                foreach (StoredDep d in ctx.Graph.Store.ReadJob(node.WrittenBy).Deps) pending.Push(ctx.Graph.Store.NodeName(d.Node));
            }
            else if (node.Producer != null)
            {
                foreach (StaticDep d in node.Producer.Plan.StaticDeps) pending.Push(d.Name);
            }
        }
        return sources.Cast<object?>().ToList();
    }

    /// <summary>The status lines about <paramref name="name"/> in the transcripts of past lmake runs, oldest first.</summary>
    private static ShowTable Trace(AdminContext ctx, string name)
    {
        var table = new ShowTable();
        string outputs = ctx.LmakeDir.Outputs;
        if (!Directory.Exists(outputs)) return table;
        foreach (string day in Directory.GetDirectories(outputs).Order(StringComparer.Ordinal))
            foreach (string run in Directory.GetFiles(day).Order(StringComparer.Ordinal))
            {
                string[] lines;
                try { lines = File.ReadAllLines(run); } catch (IOException) { continue; }
                foreach (string line in lines)
                {
                    if (line.Length == 0 || !char.IsAsciiDigit(line[0])) continue;
                    string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length < 4 || f[^1] != name) continue;
                    table.Add(new ShowDict { { "date", Path.GetFileName(day) }, { "time", f[0] }, { "status", f[1] }, { "rule", f[2] }, { "name", name } });
                }
            }
        return table;
    }

    /// <summary>lshow -r: the jobs running (True) or queued (False) to make the files, and those waiting for them
    /// (a dict of what each waits for); with no file, every job running or queued. Each job once.</summary>
    private static ShowMap Running(AdminContext ctx, IReadOnlyList<string> names, AdminOptions o)
    {
        var map = new ShowMap();
        var seen = new HashSet<Job>();
        if (names.Count == 0)
        {
            foreach (Job j in ctx.RunningJobs().OrderBy(j => j.Running!.Started))
                if (seen.Add(j)) map.Add(JobTuple(j), j.Running!.Started != default);
            return map;
        }
        foreach (string name in names)
        {
            if (ctx.JobOf(name, o.Rule, out _) is not Job job || !seen.Add(job)) continue;
            if (RunningState(ctx, job, seen, 0) is { } state) map.Add(JobTuple(job), state);
        }
        return map;
    }

    private static ShowTuple JobTuple(Job j) => new(j.Rule.Name, j.Name);

    /// <summary>True running, false queued, a dict of the jobs it waits for, or null: none of these.</summary>
    private static object? RunningState(AdminContext ctx, Job job, HashSet<Job> seen, int depth)
    {
        if (job.Running is { IsOver: false } run) return run.Started != default;
        if (depth > ctx.Graph.Makefiles!.Config.MaxDepDepth) return null;
        var waited = new ShowMap();
        var deps = new List<Node>();
        foreach (StaticDep d in job.Plan.StaticDeps) deps.Add(ctx.Graph.Node(d.Name));
        foreach (DepRecord d in job.Deps) deps.Add(ctx.Graph.NodeById(d.NodeId));
        foreach (Node dep in deps)
        {
            if (dep.Kind != NodeKind.Generated) continue;
            foreach (Job maker in dep.Candidates ?? (dep.Producer is Job p ? [p] : []))
            {
                if (!seen.Add(maker)) continue;
                if (RunningState(ctx, maker, seen, depth + 1) is { } state) waited.Add(JobTuple(maker), state);
            }
        }
        return waited.Count > 0 ? waited : null;
    }

    /// <summary>lshow -r for people: R running, Q queued (with -v), W waiting (not with -q), what it waits for below.</summary>
    private static IEnumerable<string> RunningLines(ShowMap map, AdminOptions o, string indent)
    {
        foreach (var (k, v) in map)
        {
            var job = (ShowTuple)k;
            string label = $"{job[0]} {job[1]}";
            switch (v)
            {
                case true: yield return $"{indent}R {label}"; break;
                case false: if (o.Verbose) yield return $"{indent}Q {label}"; break;
                case ShowMap waited:
                    if (!o.Quiet) yield return $"{indent}W {label}";
                    foreach (string l in RunningLines(waited, o, o.Quiet ? indent : indent + "  ")) yield return l;
                    break;
            }
        }
    }
}
