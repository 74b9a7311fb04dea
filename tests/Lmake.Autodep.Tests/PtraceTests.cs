// autodep=ptrace: the accesses of shell jobs, static binaries, forking and threaded programs are found from
// their syscalls; exit status, signals, timeouts and kills behave as for ld_preload jobs.
using System.Diagnostics;
using Xunit.Abstractions;

namespace Lmake.Autodep.Tests;

public class PtraceTests
{
    private readonly ITestOutputHelper _output;

    public PtraceTests(ITestOutputHelper output) => _output = output;

    private static string[] Bash(string script) => ["/bin/bash", "-c", script];

    [Fact]
    public void A_shell_job_reports_reads_writes_and_missing_files_in_order()
    {
        using var repo = new TempRepo();
        repo.Write("b", "b");
        repo.Write("a", "a");
        var o = PtraceJobRunner.Run(repo.Path, Bash("cat b a; echo oops >&2; cat nothere 2>/dev/null; echo x > out; exit 4"), AutodepMethod.Ptrace);
        Assert.True(o.ExitCode == 4, PtraceJobRunner.Describe(o));
        Assert.Equal("ba", o.Stdout);
        Assert.Equal("oops\n", o.Stderr);
        Assert.Equal("R b|R a|R! nothere|W out", PtraceJobRunner.Listing(o.Accesses));
    }

    [Fact]
    public void A_shell_pipeline_is_followed_through_every_process()
    {
        using var repo = new TempRepo();
        repo.Write("in1", "b\na\n");
        repo.Write("in2", "c\n");
        repo.Write("sub/in3", "d\n");
        var o = PtraceJobRunner.Run(repo.Path, Bash("cat in1 | sort | (cd sub && cat - in3) | tee out > /dev/null; wc -l < out"), AutodepMethod.Ptrace);
        Assert.True(o.ExitCode == 0, PtraceJobRunner.Describe(o));
        Assert.Equal("3", o.Stdout.Trim());
        var listing = PtraceJobRunner.Listing(o.Accesses).Split('|');
        Assert.Contains("R in1", listing);
        Assert.Contains("R sub/in3", listing);
        Assert.Contains("RW out", listing);  // written by tee, then read by wc
        Assert.DoesNotContain("R in2", listing);
    }

    [Fact]
    public void Relative_names_follow_the_cwd_of_one_process_across_its_chdirs()
    {
        using var repo = new TempRepo();
        repo.Write("a", "1\n");
        repo.Write("sub/b", "2\n");
        repo.Write("sub/deeper/c", "3\n");
        repo.Write("d", "4\n");
        // bash's own redirections: one process opening relative names while its cwd moves.
        var o = PtraceJobRunner.Run(repo.Path,
            Bash("read x < a; cd sub; read y < b; cd deeper; read z < c; cd ../..; read w < d; echo $x$y$z$w"), AutodepMethod.Ptrace);
        Assert.True(o.ExitCode == 0, PtraceJobRunner.Describe(o));
        Assert.Equal("1234\n", o.Stdout);
        Assert.Equal("R a|R sub/b|R sub/deeper/c|R d", PtraceJobRunner.Listing(o.Accesses, name => name != "sub" && name != "sub/deeper"));
    }

    [Fact]
    public void Files_of_a_source_dir_outside_the_repo_are_recorded_by_their_absolute_name()
    {
        using var repo = new TempRepo();
        using var sources = new TempRepo();  // a second temporary dir, outside the repo
        sources.Write("lib/x.h", "x");
        var o = PtraceJobRunner.Run(repo.Path, ["/bin/cat", sources["lib/x.h"], "/etc/hostname"], AutodepMethod.Ptrace,
            sourceDirs: [sources.Path + "/lib/"]);
        Assert.True(o.ExitCode == 0, PtraceJobRunner.Describe(o));
        Assert.Equal($"R {sources.Path}/lib/x.h", PtraceJobRunner.Listing(o.Accesses));
    }

    [Fact]
    public void The_exit_signal_and_status_of_the_job_are_its_own()
    {
        using var repo = new TempRepo();
        var killed = PtraceJobRunner.Run(repo.Path, Bash("kill -SEGV $$"), AutodepMethod.Ptrace);
        Assert.Equal(128 + 11, killed.ExitCode);
        var exited = PtraceJobRunner.Run(repo.Path, ["/bin/sh", "-c", "exit 42"], AutodepMethod.Ptrace);
        Assert.Equal(42, exited.ExitCode);
        var missing = PtraceJobRunner.Run(repo.Path, ["no-such-command-here"], AutodepMethod.Ptrace);
        Assert.Equal(127, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr);
    }

    [Fact]
    public void Signals_sent_to_the_job_reach_its_handlers_and_stops_are_kept()
    {
        using var repo = new TempRepo();
        // A trap (a handler), a stopped and continued child, and a file read after each.
        repo.Write("f", "");
        var o = PtraceJobRunner.Run(repo.Path,
            Bash("trap 'cat f; echo usr1' USR1; kill -USR1 $$; sleep 5 & p=$!; kill -STOP $p; sleep 0.2; " +
                 "grep -Eq '^State:[[:space:]]+[tT]' /proc/$p/status && echo stopped; kill -CONT $p; kill $p; wait $p; echo $?"),
            AutodepMethod.Ptrace);
        Assert.True(o.ExitCode == 0, PtraceJobRunner.Describe(o));
        Assert.Equal("usr1\nstopped\n143\n", o.Stdout);
        Assert.Equal("R f", PtraceJobRunner.Listing(o.Accesses));
    }

    [Fact]
    public void The_job_stops_at_file_syscalls_only_through_a_seccomp_filter()
    {
        using var repo = new TempRepo();
        var o = PtraceJobRunner.Run(repo.Path, ["/bin/grep", "-E", "^Seccomp(_filters)?:", "/proc/self/status"], AutodepMethod.Ptrace);
        Assert.True(o.ExitCode == 0, PtraceJobRunner.Describe(o));
        Assert.Matches(@"^Seccomp:\s+2\nSeccomp_filters:\s+1\n$", o.Stdout);  // 2: filter mode, one filter: ours
    }

    [Fact]
    public void A_timeout_and_a_kill_stop_the_whole_job()
    {
        using var repo = new TempRepo();
        var sw = Stopwatch.StartNew();
        var o = PtraceJobRunner.Run(repo.Path, Bash("sleep 100 & sleep 100"), AutodepMethod.Ptrace, timeout: TimeSpan.FromMilliseconds(400));
        Assert.True(o.TimedOut);
        Assert.True(o.Killed);
        Assert.Equal(128 + 15, o.ExitCode);
        // Far below the 100 s of its sleeps (it was killed), not before its timeout.
        Assert.InRange(sw.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(60));
    }
}

public class PtraceConcurrencyTests
{
    [Fact]
    public async Task Concurrent_ptrace_and_ld_preload_jobs_each_get_their_own_accesses_and_status()
    {
        using var repo = new TempRepo();
        TrackedJob.ShimPath = InstalledTree.Shim;
        var jobs = new List<(int I, AutodepMethod Method, TrackedJob Job)>();
        for (int i = 0; i < 8; i++)
        {
            repo.Write($"in{i}", $"{i}\n");
            var method = i % 2 == 0 ? AutodepMethod.Ptrace : AutodepMethod.LdPreload;
            var spec = new JobSpec
            {
                Argv = ["/bin/bash", "-c", $"for k in 1 2 3; do cat in{i} > /dev/null; done; (cat in{i}) > out{i}; sleep 0.1; exit {i + 10}"],
                Cwd = repo.Path, RepoRoot = repo.Path, Method = method,
                Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
            };
            jobs.Add((i, method, TrackedJob.Start(spec)));
        }
        foreach (var (i, method, job) in jobs)
        {
            var o = await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(o.ExitCode == i + 10, $"{method} job {i}: {PtraceJobRunner.Describe(o)}");
            Assert.Equal($"R in{i}|W out{i}", PtraceJobRunner.Listing(o.Accesses));
        }
    }
}
