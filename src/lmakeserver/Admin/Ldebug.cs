// ldebug (spec C): writes LMAKE/debug/<job id>/script, a bash script that runs the job's exact command
// (argv, environment, cwd, namespace, stdin; its stdout is ldebug's) in a fresh tmp dir beside it, without dependency
// tracking. The server only writes it and prints `script : PATH`; the client then runs it on the user's
// terminal (unless -n). -k shell opens an interactive bash in the job's environment instead.
using Lmake.Server.State;
using System.Text;
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Backends;
using Lmake.Server.Engine;
using Lmake.Server.Rules;
using Lmake.Server.Transport;

namespace Lmake.Server.Admin;

public static class Ldebug
{
    /// <summary>The line through which the client learns where the script is (Out, last line).</summary>
    public const string ScriptLinePrefix = "script : ";

    public static int Run(AdminContext ctx, ClientRequest request, AdminOptions o, IClientOutput output)
    {
        string name = ctx.RepoName(o.Names[0], request.Cwd);
        Job? job = ctx.JobOf(name, o.Rule, out string why);
        if (job == null)
        {
            output.Err($"ldebug: {o.Names[0]}: {why}");
            return ExitCode.BuildFailed;
        }
        if (!job.Plan.HasCmd)
        {
            output.Err($"ldebug: job {job.Rule.Name} {job.Name} has no command");
            return ExitCode.BuildFailed;
        }
        string dir = ctx.LmakeDir.DebugOf(job.Id);
        Directory.CreateDirectory(dir);
        string tmp = o.DebugTmpDir ?? ctx.LmakeDir.DebugTmpOf(job.Id);
        string script = ctx.LmakeDir.DebugScriptOf(job.Id);
        string text = Script(ctx, job, tmp, o.KeepTmp, o.DebugKey == "shell");
        File.WriteAllText(script + ".tmp", text);
        File.SetUnixFileMode(script + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.Move(script + ".tmp", script, overwrite: true);
        output.Out($"job    : {job.Rule.Name} {job.Name}");
        output.Out(ScriptLinePrefix + Path.GetRelativePath(request.Cwd, script));
        return ExitCode.Ok;
    }

    private static string Script(AdminContext ctx, Job job, string tmp, bool keepTmp, bool shell)
    {
        JobPlan plan = job.Plan;
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append($"# ldebug: job {job.Rule.Name} {job.Name}, as lmake runs it (without dependency tracking)\n");
        sb.Append("cd ").Append(Quote(ctx.RepoRoot)).Append(" || exit 1\n");
        var environment = JobEnvironment.Of(ctx, job, tmp);
        string? namespaceCall = null;
        if (plan.Views is { } views)
        {
            // the job's namespace, as lmake runs it: its views are made now in a fresh tmp dir (the script then
            // only enters it, through the same helper)
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
            Directory.CreateDirectory(tmp);
            var site = new NamespaceSite(ctx.RepoRoot, tmp, InstallLayout.Current.Root, ctx.LmakeDir.NamespaceRoot,
                Path.Combine(ctx.LmakeDir.DebugOf(job.Id), "overlay_work"), "");
            if (NamespacePlanner.Plan(views, site, out string? refusal) is not { } ns)
                return $"#!/bin/bash\necho {Quote("ldebug: " + refusal)} >&2\nexit 1\n";
            NamespacePlanner.AdjustEnvironment(environment, views, site);
            namespaceCall = string.Join(' ', new[] { Path.Combine(InstallLayout.Current.PrivateBin, "job_namespace") }
                .Concat(ns.HelperArguments()).Append("--").Select(Quote));
        }
        else sb.Append("rm -rf ").Append(Quote(tmp)).Append(" && mkdir -p ").Append(Quote(tmp)).Append(" || exit 1\n");
        foreach (string t in plan.Targets)
            if (Path.GetDirectoryName(t) is { Length: > 0 } d) sb.Append("mkdir -p ").Append(Quote(d)).Append('\n');
        sb.Append("env -i \\\n");
        foreach (var (k, v) in environment.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append("    ").Append(Quote($"{k}={v}")).Append(" \\\n");
        // no runner behind the job here: its in-job commands (ldepend, lencode...) answer alone (src/ldecode/DebugAnswers.cs)
        sb.Append("    LMAKE_JOB_CHANNEL=ldebug \\\n");
        if (namespaceCall is not null) sb.Append("    ").Append(namespaceCall).Append(" \\\n");
        if (shell) sb.Append("    /bin/bash --norc -i\n");
        else
        {
            sb.Append("   ");
            foreach (string a in plan.Argv) sb.Append(' ').Append(Quote(a));
            if (plan.StdinDep != null) sb.Append(" <").Append(Quote(plan.StdinDep));
            // (the job's stdout, its target under lmake, is ldebug's: what the user debugs is shown)
            sb.Append('\n');
        }
        sb.Append("status=$?\n");
        if (!keepTmp) sb.Append("rm -rf ").Append(Quote(tmp)).Append('\n');
        else sb.Append("echo \"tmp dir kept: ").Append(tmp.Replace("\"", "\\\"")).Append("\" >&2\n");
        sb.Append("exit $status\n");
        return sb.ToString();
    }

    /// <summary>A bash word that stands for <paramref name="s"/> exactly.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
