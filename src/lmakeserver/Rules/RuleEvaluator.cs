// Turns a RuleMatch into a JobPlan. Plain {Stem} substitutions are done here; what needs Python (f-strings
// calling Lmakefile functions, attributes that are functions) goes to ONE long-lived python3 helper
// (read_makefiles.py --serve), with requests pipelined so a batch costs one round trip.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Lmake.Common;

namespace Lmake.Server.Rules;

public sealed class RuleEvaluator : IDisposable
{
    private readonly Makefiles _makefiles;
    private readonly InstallLayout _layout;
    private readonly string _repoRoot;
    private readonly object _lock = new();
    private Process? _helper;
    private StringBuilder _helperStderr = new();

    public RuleEvaluator(Makefiles makefiles, InstallLayout layout, string repoRoot)
    {
        _makefiles = makefiles;
        _layout = layout;
        _repoRoot = Path.GetFullPath(repoRoot);
        foreach (Rule rule in makefiles.Rules) rule.Evaluator = this;
    }

    /// <summary>How many requests went to the python helper (a plan made natively costs none).</summary>
    public int HelperRequests { get; private set; }

    /// <summary>How many plans were made (a no-op of jobs planned natively makes none: JobShape).</summary>
    public int PlansMade { get; private set; }

    public JobPlan Plan(RuleMatch match)
    {
        PlansMade++;
        // one job at a time, as the resolver asks: no batch to build
        PartialPlan partial = Native(match);
        if (match.Rule.Dynamic.Count > 0) partial.Apply(AskHelper([partial])[0]);
        return partial.Finish(_makefiles.Config);
    }

    /// <summary>Plans of several jobs; those that need Python share one round trip to the helper.
    /// Throws <see cref="RuleEvaluationException"/> when an attribute of a job cannot be computed.</summary>
    public IReadOnlyList<JobPlan> PlanMany(IReadOnlyList<RuleMatch> matches)
    {
        PlansMade += matches.Count;
        var partial = matches.Select(Native).ToList();
        var needHelper = partial.Where(p => p.Match.Rule.Dynamic.Count > 0).ToList();
        if (needHelper.Count > 0)
        {
            IReadOnlyList<HelperAnswer> answers = AskHelper(needHelper);
            for (int i = 0; i < needHelper.Count; i++) needHelper[i].Apply(answers[i]);
        }
        return partial.Select(p => p.Finish(_makefiles.Config)).ToList();
    }

    private PartialPlan Native(RuleMatch match)
    {
        Rule rule = match.Rule;
        if (rule.IsSpecial) throw new ArgumentException($"rule {rule.Name} is an {rule.Kind} rule: it runs no job");
        return new PartialPlan(match);
    }

    private IReadOnlyList<HelperAnswer> AskHelper(List<PartialPlan> plans)
    {
        lock (_lock)
        {
            Process helper = EnsureHelper();
            var lines = new StringBuilder();
            foreach (PartialPlan p in plans)
            {
                var request = new HelperRequest
                {
                    Rule = p.Match.Rule.Index, Name = p.Match.Rule.Name, Stems = new(p.Stems, StringComparer.Ordinal),
                    Targets = new(p.TargetValues), Deps = new(p.DepValues), Want = p.Match.Rule.Dynamic.ToList(),
                };
                lines.Append(JsonSerializer.Serialize(request, RulesJsonContext.Default.HelperRequest)).Append('\n');
            }
            HelperRequests += plans.Count;
            var answers = new List<HelperAnswer>(plans.Count);
            try
            {
                // Writing and reading at once: a large batch must not fill both pipes and block.
                Task write = Task.Run(() => { helper.StandardInput.Write(lines.ToString()); helper.StandardInput.Flush(); });
                for (int i = 0; i < plans.Count; i++) answers.Add(ReadAnswer(helper));
                write.Wait();
            }
            catch (Exception e) when (e is IOException or AggregateException or RuleEvaluationException)
            {
                StopHelper();
                throw new RuleEvaluationException($"python helper failed: {e.Message} {_helperStderr}".TrimEnd());
            }
            return answers;
        }
    }

    /// <summary>Calls lmake.config.<paramref name="proc"/> (a function of the Lmakefile) in the helper; null when
    /// it ran, else why it did not.</summary>
    public string? RunProc(string proc)
    {
        lock (_lock)
        {
            try
            {
                Process helper = EnsureHelper();
                helper.StandardInput.Write(JsonSerializer.Serialize(new HelperRequest { Proc = proc }, RulesJsonContext.Default.HelperRequest) + "\n");
                helper.StandardInput.Flush();
                return ReadAnswer(helper).Error;
            }
            catch (Exception e) when (e is IOException or RuleEvaluationException or LmakefileException) { return e.Message; }
        }
    }

    private HelperAnswer ReadAnswer(Process helper)
    {
        string? line = helper.StandardOutput.ReadLine();
        if (line == null)
        {
            helper.WaitForExit(5000);
            int code = helper.HasExited ? helper.ExitCode : -1;
            string err = _helperStderr.ToString().TrimEnd('\n');
            if (code == ExitCode.BadLmakefile) throw new LmakefileException(err);
            throw new RuleEvaluationException($"python helper exited ({code}): {err}");
        }
        return JsonSerializer.Deserialize(line, RulesJsonContext.Default.HelperAnswer)
            ?? throw new RuleEvaluationException("python helper: empty answer");
    }

    private Process EnsureHelper()
    {
        if (_helper is { HasExited: false }) return _helper;
        StopHelper();
        var psi = new ProcessStartInfo(Makefiles.PythonExecutable)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false, WorkingDirectory = _repoRoot,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(Path.Combine(_layout.PrivateLib, "read_makefiles.py"));
        psi.ArgumentList.Add(_repoRoot);
        psi.ArgumentList.Add("--serve");
        psi.ArgumentList.Add("--user-environ-stdin");
        var stderr = new StringBuilder();
        _helperStderr = stderr;
        Process helper;
        try { helper = Process.Start(psi) ?? throw new InvalidOperationException("no process"); }
        catch (Exception e) { throw new RuleEvaluationException($"cannot run {Makefiles.PythonExecutable}: {e.Message}"); }
        helper.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (stderr)
            {
                stderr.Append(e.Data).Append('\n');
                if (stderr.Length > 64 * 1024) stderr.Remove(0, stderr.Length - 32 * 1024);   // what jobs' functions print: keep the end
            }
        };
        helper.BeginErrorReadLine();
        _helper = helper;
        // what the Lmakefile read of lmake.user_environ when the rules were read: it reads the same again
        try { helper.StandardInput.Write(Makefiles.UserEnvironLine(_makefiles.UserEnvironRead)); helper.StandardInput.Flush(); }
        catch (IOException) { }
        HelperAnswer ready = ReadAnswer(helper);
        if (ready.Ready != _makefiles.Rules.Count)
        {
            StopHelper();
            throw new RuleEvaluationException($"python helper sees {ready.Ready} rules, the server {_makefiles.Rules.Count}: Lmakefile.py changed, re-read it");
        }
        return helper;
    }

    private void StopHelper()
    {
        if (_helper == null) return;
        try
        {
            if (!_helper.HasExited)
            {
                _helper.StandardInput.Close();
                if (!_helper.WaitForExit(2000)) _helper.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) { }
        catch (IOException) { }
        _helper.Dispose();
        _helper = null;
    }

    public void Dispose()
    {
        lock (_lock) StopHelper();
    }
}
