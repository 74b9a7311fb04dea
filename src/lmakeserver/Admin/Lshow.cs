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
            answer.Add("running", Running(ctx));
        }
        else
        {
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
        }
        switch (o.Form)
        {
            case OutputForm.Porcelaine: output.Out(ShowForms.Python(answer)); break;
            case OutputForm.Json: output.Out(ShowForms.Json(answer)); break;
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
            case 'd': return Deps(job);
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

    private static ShowDict Info(AdminContext ctx, Job job, JobInfo? info)
    {
        string status = job.Running is { IsOver: false } running ? (running.Started == default ? "queued" : "running") : JobInfos.StatusWord(job.Status);
        var d = new ShowDict
        {
            { "rule", job.Rule.Name },
            { "job", job.Name },
            { "status", status },
            { "reason", info?.Reason ?? "" },
            { "start", info == null ? "" : AdminContext.FormatDate(info.Start) },
            { "end", info == null ? "" : AdminContext.FormatDate(info.End) },
            { "exec_time", info?.ExecSeconds ?? 0.0 },
            { "cpu_time", info?.CpuSeconds ?? 0.0 },
            { "max_memory", info?.MaxRssBytes ?? 0L },
            { "exit_code", info?.ExitCode ?? 0 },
            { "tmp_dir", info?.TmpDir ?? "" },
            { "tmp_kept", info?.TmpKept ?? false },
            { "backend", info?.Backend ?? job.Plan.Backend },
            { "host", info?.Host ?? "" },
        };
        var resources = new ShowDict();
        foreach (var (k, v) in (IEnumerable<KeyValuePair<string, string>>?)info?.Resources ?? job.Plan.Resources) resources.Add(k, v);
        d.Add("resources", resources);
        if (job.Running is { IsOver: false } run && run.Started != default) d.Add("running_since", AdminContext.FormatDate(run.Started));
        _ = ctx;
        return d;
    }

    private static ShowTable Deps(Job job)
    {
        var table = new ShowTable();
        var flagsOf = job.Plan.StaticDeps.GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.First().Flags, StringComparer.Ordinal);
        IEnumerable<(string Name, bool Static, string Checksum)> deps = job.Deps.Count > 0
            ? job.Deps.Select(d => (d.Node.Name, d.IsStatic, d.Seen.ToString()))
            : job.Plan.StaticDeps.Select(d => (d.Name, true, ""));   // never ran: its static deps only
        foreach (var (name, isStatic, checksum) in deps)
        {
            DepFlags f = flagsOf.TryGetValue(name, out DepFlags fl) ? fl : DepFlags.None;
            string flags = new([isStatic ? 'S' : '-', f.HasFlag(DepFlags.Essential) ? 'E' : '-', f.HasFlag(DepFlags.Critical) ? 'c' : '-',
                f.HasFlag(DepFlags.IgnoreError) ? 'e' : '-', f.HasFlag(DepFlags.Required) ? 'R' : '-']);
            table.Add(new ShowDict { { "flags", flags }, { "checksum", checksum }, { "name", name } });
        }
        return table;
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

    private static ShowTable Running(AdminContext ctx)
    {
        var table = new ShowTable();
        foreach (Job j in ctx.RunningJobs().OrderBy(j => j.Running!.Started))
            table.Add(new ShowDict
            {
                { "state", j.Running!.Started == default ? "queued" : "running" },
                { "since", j.Running.Started == default ? "" : j.Running.Started.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) },
                { "rule", j.Rule.Name },
                { "job", j.Name },
            });
        return table;
    }
}
