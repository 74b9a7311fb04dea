// Rules with backend = 'slurm' on a real Slurm cluster (backends.md): each job goes through sbatch and runs on the
// node under job_exec, which reports its accesses back; a user sees the same status lines, files and exit codes as
// with the local backend. A job Slurm loses is submitted again, ^C cancels the Slurm job, and with Slurm stopped
// the jobs run locally after a warning.
namespace Lmake.EndToEnd.Tests;

[Collection("slurm")]
public sealed class SlurmBackendTests : IDisposable
{
    private readonly LocalSlurmCluster _slurm;
    private readonly TempDir _outside = new("lmake-slurm-outside-");
    private readonly List<LmakeRepo> _repos = [];

    public SlurmBackendTests(LocalSlurmCluster slurm) => _slurm = slurm;

    public void Dispose()
    {
        foreach (LmakeRepo r in _repos) r.Dispose();
        _outside.Dispose();
        // a test that failed mid-way must not leave jobs for the next one
        if (_slurm.QueuedJobs() is { Length: > 0 } left) _slurm.Client("scancel", left);
    }

    private LmakeRepo Repo(string rules, string environ = "{}", string moreSettings = "")
    {
        var r = new LmakeRepo($$"""
            import lmake
            from lmake.rules import Rule
            lmake.config.backends.slurm = {'config': '{{_slurm.ConfigFile}}', 'environ': {{environ}}{{moreSettings}}}
            {{rules}}
            """);
        _repos.Add(r);
        return r;
    }

    private static string Printed(LmakeOutput o) => o.Result.Stdout + o.Result.Stderr;

    [Fact]
    public void AChainOfSlurmJobsIsBuiltThroughSlurmThenIsUpToDate()
    {
        LmakeRepo r = Repo("""
            class Up(Rule):
                target    = '{File:.*}.up'
                dep       = '{File}'
                backend   = 'slurm'
                resources = {'mem': '20M'}
                cmd       = 'tr a-z A-Z'
            """);
        r.Repo.Add("hello", "hello\n");
        LmakeOutput first = r.Lmake("hello.up.up");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["done"], first.Words("hello.up"));
        Assert.Equal(["done"], first.Words("hello.up.up"));
        Assert.Equal("HELLO\n", r.Repo.Read("hello.up.up"));
        // both went through Slurm, named after the repo and the job (Slurm logs a job once it has cleaned up after it)
        string repoKey = Path.GetFileName(r.Repo.Path) + ":";
        foreach (string job in new[] { "hello.up", "hello.up.up" })
            WaitFor(() => _slurm.CompletedJobs().Any(l => l.Contains($"Name={repoKey}{job} ") && l.Contains("JobState=COMPLETED")),
                $"Slurm to log {job} as completed\n" + string.Join('\n', _slurm.CompletedJobs()));

        LmakeOutput again = r.Lmake("hello.up.up");
        Assert.True(again.Result.ExitCode == 0, again.ToString());
        Assert.Empty(again.Jobs);
    }

    [Fact]
    public void AFailingSlurmJobIsFailedWithItsExitCodeAndStderr()
    {
        LmakeRepo r = Repo("""
            class Bad(Rule):
                target  = 'bad'
                backend = 'slurm'
                cmd     = 'echo oops >&2; exit 3'
            """);
        LmakeOutput o = r.Lmake("bad");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal(["failed"], o.Words("bad"));
        Assert.Contains("oops", o.Result.Stdout);
        Assert.Contains("exit code 3", o.Result.Stdout);
    }

    [Fact]
    public void ASlurmJobAsksForADepWithLdependVerifyAndReadsItMade()
    {
        LmakeRepo r = Repo("""
            class Gen(Rule):
                target  = 'gen'
                backend = 'slurm'
                cmd     = 'echo generated'
            class Use(Rule):
                target  = 'use'
                backend = 'slurm'
                environ = {'DUT': ...}
                cmd     = 'ldepend -v gen >/dev/null; cat gen; echo "$DUT"'
            """, environ: "{'DUT': 'dut'}");
        LmakeOutput o = r.Lmake("use");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("gen"));
        Assert.Equal("done", o.Words("use").Last());
        // the dep was made before the job read it; `...` took backends.slurm.environ
        Assert.Equal("generated\ndut\n", r.Repo.Read("use"));
        LmakeOutput again = r.Lmake("use");
        Assert.Empty(again.Jobs);   // gen was recorded as a dep of use: nothing changed, nothing runs
        r.Repo.Add("Lmakefile.py", File.ReadAllText(r.Repo["Lmakefile.py"]).Replace("echo generated", "echo regenerated"));
        LmakeOutput changed = r.Lmake("use");
        Assert.True(changed.Result.ExitCode == 0, changed.ToString());
        Assert.Equal("regenerated\ndut\n", r.Repo.Read("use"));
    }

    [Fact]
    public async Task AJobSlurmLosesIsSubmittedAgainAndNeverTakenAsDone()
    {
        LmakeRepo r = Repo($$"""
            class Slow(Rule):
                target  = 'slow'
                backend = 'slurm'
                cmd     = 'if [ -e {{_outside["go"]}} ]; then echo run >> {{_outside["runs"]}}; echo ok; else echo run >> {{_outside["runs"]}}; sleep 60; fi'
            """);
        // the first run records itself only once it is bound to sleep: scancel then finds it asleep, never ending
        Task<LmakeOutput> running = Task.Run(() => r.Lmake("slow"));
        WaitFor(() => File.Exists(_outside["runs"]) || running.IsCompleted, "the job to start");
        _outside.Write("go", "");
        string[] jobs = _slurm.QueuedJobs();
        Assert.Single(jobs);
        _slurm.Client("scancel", jobs);   // as a node failure or an admin would: lmake did not ask for it
        LmakeOutput o = await running;
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains("submitted again", Printed(o));
        Assert.Equal(["done"], o.Words("slow"));
        Assert.Equal("ok\n", r.Repo.Read("slow"));
        Assert.Equal("run\nrun\n", _outside.Read("runs"));
    }

    [Fact]
    public void InterruptingLmakeCancelsItsSlurmJob()
    {
        LmakeRepo r = Repo($$"""
            class Slow(Rule):
                target  = 'slow'
                backend = 'slurm'
                cmd     = 'touch {{_outside["started"]}}; sleep 60'
            """);
        string driver = $$"""
            import os, subprocess, sys, time
            out = open('{{_outside["lmake.out"]}}', 'w')
            p = subprocess.Popen(['lmake', 'slow'], stdout=out)
            deadline = time.time() + 60
            while not os.path.exists('{{_outside["started"]}}'):
                if time.time() > deadline: p.kill(); sys.exit('the job did not start')
                time.sleep(0.05)
            os.kill(p.pid, 2)
            p.wait(timeout=60)
            print(p.returncode)
            """;
        CommandResult d = Installed.Run("python3", ["-c", driver], r.Repo.Path);
        Assert.True(d.ExitCode == 0, d.ToString());
        Assert.Equal("-2", d.Stdout.Trim());
        Assert.Equal(["killed"], new LmakeOutput(new CommandResult(0, _outside.Read("lmake.out"), "")).Words("slow"));
        WaitFor(() => _slurm.QueuedJobs().Length == 0, "Slurm to drop the cancelled job");
    }

    [Fact]
    public void WithDashLTheJobsRunLocallyAndOneThatFailedThereRunsOnSlurmWithout()
    {
        LmakeRepo r = Repo("""
            class Check(Rule):
                target  = 'check'
                backend = 'slurm'
                environ = {'DUT': ...}
                cmd     = '[ "$DUT" = dut ] || exit 4; echo "$DUT"'
            """, environ: "{'DUT': 'dut'}");
        int before = _slurm.CompletedJobs().Length;
        LmakeOutput local = r.Lmake("-l", "check");
        Assert.Equal(1, local.Result.ExitCode);   // backends.slurm.environ is not the local backend's
        Assert.Equal(["failed"], local.Words("check"));
        Assert.Contains("exit code 4", local.Result.Stdout);
        Assert.Equal(before, _slurm.CompletedJobs().Length);
        LmakeOutput slurm = r.Lmake("check");
        Assert.True(slurm.Result.ExitCode == 0, slurm.ToString());
        Assert.Equal(["done"], slurm.Words("check"));
        Assert.Equal("dut\n", r.Repo.Read("check"));
    }

    [Fact]
    public void WithSlurmStoppedTheJobsRunLocallyAfterAWarning()
    {
        LmakeRepo r = Repo("""
            class Up(Rule):
                target    = '{File:.*}.up'
                dep       = '{File}'
                backend   = 'slurm'
                resources = {'mem': '20M', 'licenses': 'no_lic'}
                cmd       = 'tr a-z A-Z'
            """);
        r.Repo.Add("hello", "hello\n");
        int before = _slurm.CompletedJobs().Length;
        _slurm.Stop();
        try
        {
            LmakeOutput o = r.Lmake("hello.up");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            Assert.Contains("slurm backend not available (slurm controller not reachable", Printed(o));
            Assert.Contains("its jobs run on the local backend", Printed(o));
            Assert.Equal(["done"], o.Words("hello.up"));
            Assert.Equal("HELLO\n", r.Repo.Read("hello.up"));
        }
        finally { _slurm.Start(); }
        Assert.Equal(before, _slurm.CompletedJobs().Length);   // nothing went through Slurm
    }

    [Fact]
    public void DashBOptionsReplaceTheResourcesOfTheSameNameAndAnOptionNotTakenFailsTheJob()
    {
        LmakeRepo r = Repo("""
            class Mem(Rule):
                target    = 'mem{N:\d}'
                backend   = 'slurm'
                resources = {'mem': '20M'}
                cmd       = 'echo {N} $(nice)'
            """);
        LmakeOutput asIs = r.Lmake("mem1");
        Assert.True(asIs.Result.ExitCode == 0, asIs.ToString());
        LmakeOutput more = r.Lmake("-b", "--mem=30M -p debug", "-N", "3", "mem2");
        Assert.True(more.Result.ExitCode == 0, more.ToString());
        Assert.Equal("2 3\n", r.Repo.Read("mem2"));   // -N: the job's own processes on the node are niced
        Assert.Contains("mem=20M", SlurmRecordOf(r, "mem1"));
        Assert.Contains("mem=30M", SlurmRecordOf(r, "mem2"));
        LmakeOutput bad = r.Lmake("-b", "--time=5", "mem3");
        Assert.Equal(1, bad.Result.ExitCode);
        Assert.Equal(["failed"], bad.Words("mem3"));
        Assert.Contains("lmake -b : slurm option --time=5 is not taken", bad.Result.Stdout);
        LmakeOutput noPartition = r.Lmake("-b", "-p nosuch", "mem4");
        Assert.Equal(1, noPartition.Result.ExitCode);
        Assert.Contains("cannot submit to slurm : sbatch failed", noPartition.Result.Stdout);
    }

    [Fact]
    public void UseNiceGivesSlurmAPriorityFromThePressure()
    {
        LmakeRepo r = Repo("""
            class Nice(Rule):
                target  = 'nice'
                backend = 'slurm'
                cmd     = 'echo done'
            """, moreSettings: ", 'use_nice': True");
        LmakeOutput o = r.Lmake("-N", "3", "nice");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        string id = System.Text.RegularExpressions.Regex.Match(SlurmRecordOf(r, "nice"), @"JobId=(\d+)").Groups[1].Value;
        // ETA - pressure counted in seconds from 2023-01-01: about the seconds since then (plus -N's 3)
        string shown = _slurm.Client("scontrol", "show", "job", id).Stdout;
        long told = long.Parse(System.Text.RegularExpressions.Regex.Match(shown, @"Nice=(\d+)").Groups[1].Value);
        long sinceOrigin = (long)(DateTime.UtcNow - new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;
        Assert.InRange(told, sinceOrigin - 600, sinceOrigin + 600);
    }

    /// <summary>Slurm's record of the job (its line in the job completion log, once Slurm has written it).</summary>
    private string SlurmRecordOf(LmakeRepo r, string job)
    {
        string name = $"Name={Path.GetFileName(r.Repo.Path)}:{job} ";
        WaitFor(() => _slurm.CompletedJobs().Any(l => l.Contains(name)), $"Slurm to log {job}");
        return _slurm.CompletedJobs().Last(l => l.Contains(name));
    }

    [Fact]
    public void IndexedResourcesAreSubmittedAsTheComponentsOfAHeterogeneousJob()
    {
        LmakeRepo r = Repo("""
            class Het(Rule):
                target    = 'het'
                backend   = 'slurm'
                resources = {'cpu': 1, 'cpu1': 1, 'mem1': '10M'}
                cmd       = 'echo $SLURM_HET_SIZE'
            """);
        // the loopback cluster's one node cannot hold both components: Slurm takes the job and keeps it pending
        string driver = $$"""
            import subprocess, sys, time
            p = subprocess.Popen(['lmake', 'het'], stdout=open('{{_outside["lmake.out"]}}', 'w'))
            deadline = time.time() + 60
            while True:
                ids = subprocess.run(['squeue', '-h', '-o', '%i'], capture_output=True, text=True).stdout.split()
                if len(ids) >= 2: break
                if time.time() > deadline: p.kill(); sys.exit('not submitted')
                time.sleep(0.2)
            print(' '.join(sorted(ids)))
            p.send_signal(2)
            p.wait(timeout=60)
            """;
        CommandResult d = Installed.Run("python3", ["-c", driver], r.Repo.Path, new Dictionary<string, string?> { ["SLURM_CONF"] = _slurm.ConfigFile });
        Assert.True(d.ExitCode == 0, d.ToString());
        string[] components = d.Stdout.Trim().Split(' ');
        Assert.Equal(2, components.Length);
        string id = components[0].Split('+')[0];
        Assert.Equal([$"{id}+0", $"{id}+1"], components);
        WaitFor(() => _slurm.QueuedJobs().Length == 0, "Slurm to drop the cancelled heterogeneous job");
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 60s for {what}");
            Thread.Sleep(100);
        }
    }
}
