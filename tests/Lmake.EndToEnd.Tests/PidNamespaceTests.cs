// A job with a namespace (kill_daemons, or any view or chroot_dir) runs in a pid namespace of its own
// (namespaces.md, rules.md kill_daemons): nothing it started outlives it, not even a daemon that left its process
// group with setsid, and the kill_sigs still reach it.
namespace Lmake.EndToEnd.Tests;

public class PidNamespaceTests
{
    // a daemon the job starts and does not stop: its command line is unique to each test, to be found with pgrep
    private static string Daemon(string tag) => $"(setsid bash -c 'exec -a lmake_daemon_{tag} sleep 300' </dev/null >/dev/null 2>&1 &)";

    private static bool Running(string tag) => Installed.Shell($"pgrep -f lmake_daemon_{tag}").ExitCode == 0;

    private static void KillLeftovers(string tag) => Installed.Shell($"pkill -9 -f lmake_daemon_{tag}");

    [Fact]
    public void With_kill_daemons_a_daemon_the_job_started_is_gone_when_the_job_ends()
    {
        string tag = "kd" + Environment.ProcessId;
        try
        {
            using var r = new LmakeRepo($$"""
                from lmake.rules import Rule
                class Dut(Rule):
                    kill_daemons = True
                    target       = 'dut'
                    cmd          = "{{Daemon(tag)}} ; sleep 0.5 ; echo $$"
                """);
            LmakeOutput o = r.Lmake("dut");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            Assert.Equal([new Status("done", "Dut", "dut")], o.Statuses);
            Assert.Equal("2\n", r.Repo.Read("dut"));   // the job's shell is the first process of its namespace after init
            Assert.False(Running(tag), "the daemon outlived its job");
        }
        finally { KillLeftovers(tag); }
    }

    [Fact]
    public void Without_a_namespace_a_setsid_daemon_survives_its_job()
    {
        // the other side of the test above: the process group alone does not reach a daemon (why kill_daemons exists)
        string tag = "nokd" + Environment.ProcessId;
        try
        {
            using var r = new LmakeRepo($$"""
                from lmake.rules import Rule
                class Dut(Rule):
                    target = 'dut'
                    cmd    = "{{Daemon(tag)}} ; sleep 0.5 ; echo done"
                """);
            LmakeOutput o = r.Lmake("dut");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            Assert.True(Running(tag), "a daemon out of the job's process group was expected to survive without kill_daemons");
        }
        finally { KillLeftovers(tag); }
    }

    [Fact]
    public void A_job_with_a_view_also_ends_with_its_daemons()
    {
        string tag = "view" + Environment.ProcessId;
        try
        {
            using var r = new LmakeRepo($$"""
                from lmake.rules import Rule
                class Dut(Rule):
                    tmp_view = '/lmake_test_pidns'
                    target   = 'dut'
                    cmd      = "{{Daemon(tag)}} ; sleep 0.5 ; ls /proc | grep -c '^[0-9]'"
                """);
            LmakeOutput o = r.Lmake("dut");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            // its /proc is its namespace's: init, the shell, the daemon, ls and grep at most
            Assert.InRange(int.Parse(r.Repo.Read("dut")), 3, 6);
            Assert.False(Running(tag), "the daemon outlived its job");
        }
        finally { KillLeftovers(tag); }
    }

    [Fact]
    public void The_kill_signals_reach_a_job_in_its_pid_namespace()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Slow(Rule):
                kill_daemons = True
                kill_sigs    = (2,)
                timeout      = 1
                target       = 'slow'
                cmd          = "trap 'echo caught SIGINT >&2 ; exit 7' INT ; sleep 100 & wait"
            """);
        LmakeOutput o = r.Lmake("slow");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("failed", "Slow", "slow"), o.Statuses);
        Assert.Contains("caught SIGINT", o.Result.Stdout);
    }

    [Fact]
    public void A_job_killed_by_a_signal_in_its_namespace_is_reported_as_such()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Dies(Rule):
                kill_daemons = True
                target       = 'dies'
                cmd          = 'kill -TERM $$'
            """);
        LmakeOutput o = r.Lmake("dies");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("failed", "Dies", "dies"), o.Statuses);
        Assert.Contains("signal", o.Result.Stdout);   // the helper ends as the job did, so lmake names the signal
    }
}
