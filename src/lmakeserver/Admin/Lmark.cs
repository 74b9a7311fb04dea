// lmark (spec C): freeze files or jobs (they act as sources: their job is not run, `frozen` status line) or
// mark files no-trigger (their changes do not rerun the jobs that depend on them). Marks are kept in
// LMAKE/marks (Marks) and repeated in the summary of every lmake they change.
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Engine;
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server.Admin;

public static class Lmark
{
    public static int Run(AdminContext ctx, ClientRequest request, AdminOptions o, IClientOutput output)
    {
        Marks marks = ctx.Graph.Marks;
        char kind = o.MarkKind == 't' ? 't' : o.Jobs ? 'j' : 'f';
        SortedSet<string> set = marks.Set(kind);
        switch (o.MarkAction)
        {
            case 'l':
                foreach (string n in set) output.Out(kind == 'j' ? JobLabel(n) : n);
                return ExitCode.Ok;
            case 'c':
                set.Clear();
                marks.Save();
                ctx.Graph.MarksChanged();
                return ExitCode.Ok;
        }
        var names = new List<string>();
        foreach (string typed in o.Names)
        {
            string name = ctx.RepoName(typed, request.Cwd);
            if (kind != 'j') { names.Add(name); continue; }
            Job? job = ctx.JobOf(name, o.Rule, out string why);
            if (job == null) throw new UsageException($"{typed}: no job: {why}");
            names.Add(job.Key);
        }
        foreach (string n in names)
        {
            if (o.MarkAction == 'a') set.Add(n);
            else if (!set.Remove(n)) output.Err($"lmark: {(kind == 'j' ? JobLabel(n) : n)} was not marked");
        }
        marks.Save();
        ctx.Graph.MarksChanged();
        return ExitCode.Ok;
    }

    /// <summary>A job key RULE/JOBNAME as people read it: `RULE JOBNAME`.</summary>
    private static string JobLabel(string key)
    {
        int slash = key.IndexOf('/');
        return slash < 0 ? key : key[..slash] + " " + key[(slash + 1)..];
    }
}
