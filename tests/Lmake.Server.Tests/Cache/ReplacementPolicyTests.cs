// The replacement policy of lcache_server (cache.md), in process: the first and last run of a repo key, max_runs_per_job,
// the size bound over every job, and the LRU whose aging speed is size over cost.
using Lmake.Server.Cache;

namespace Lmake.Server.Tests.Cache;

public class ReplacementPolicyTests
{
    private static long S(int seconds) => seconds * TimeSpan.TicksPerSecond;

    private static ReplacementPolicy.Run R(string job, string id, long size = 10, double cost = 1, string key = "k", int stored = 0) =>
        new(job, id, size, cost, key, S(stored));

    [Fact]
    public void Of_the_runs_of_a_job_under_one_repo_key_the_first_and_the_last_stay()
    {
        var p = new ReplacementPolicy(1 << 20, 100);
        Assert.Empty(p.Admit(R("j", "a", stored: 1), S(1))!);
        Assert.Empty(p.Admit(R("j", "b", stored: 2), S(2))!);
        Assert.Equal(["b"], p.Admit(R("j", "c", stored: 3), S(3))!.Select(r => r.Id));
        Assert.Equal(["c"], p.Admit(R("j", "d", stored: 4), S(4))!.Select(r => r.Id));
        Assert.Empty(p.Admit(R("j", "e", key: "other", stored: 5), S(5))!);   // another key has its own two
        Assert.Equal(["e", "d", "a"], p.RunsOf("j").Select(r => r.Id));
        Assert.Equal(30, p.TotalSize);
    }

    [Fact]
    public void Beyond_max_runs_per_job_the_least_useful_of_the_job_goes()
    {
        var p = new ReplacementPolicy(1 << 20, 2);
        p.Admit(R("j", "a", key: "1"), S(1));
        p.Admit(R("j", "b", key: "2"), S(2));
        p.Use("j", "a", S(3));                     // a is now the most recently used
        p.Admit(R("other", "x", key: "3"), S(3));  // another job counts apart
        Assert.Equal(["b"], p.Admit(R("j", "c", key: "4"), S(4))!.Select(r => r.Id));
        Assert.Equal(["c", "a"], p.RunsOf("j").Select(r => r.Id));
    }

    [Fact]
    public void Beyond_the_size_the_runs_that_age_fastest_go_across_jobs_and_the_new_one_stays()
    {
        var p = new ReplacementPolicy(100, 100);
        p.Admit(R("cheap", "1", size: 40, cost: 1, key: "r1"), S(0));     // 40 bytes for 1 s of cpu
        p.Admit(R("costly", "1", size: 40, cost: 100, key: "r2"), S(0));  // 40 bytes for 100 s: ages 100 times slower
        // both unused since: the cheap one goes first, though it was not the least recently used by much
        List<ReplacementPolicy.Run> gone = p.Admit(R("new", "1", size: 50, cost: 1, key: "r1"), S(10))!;
        Assert.Equal(["cheap"], gone.Select(r => r.Job));
        Assert.Equal(90, p.TotalSize);
        Assert.True(p.TotalSize <= p.SizeBound);
        Assert.Null(p.Admit(R("huge", "1", size: 101), S(11)));   // bigger than the whole cache: refused, nothing lost
        Assert.Equal(2, p.Count);
    }

    [Fact]
    public void A_run_used_recently_outlives_an_equal_one_left_alone()
    {
        var p = new ReplacementPolicy(25, 100);
        p.Admit(R("a", "1"), S(0));
        p.Admit(R("b", "1"), S(0));
        p.Use("a", "1", S(50));
        Assert.Equal(["b"], p.Admit(R("c", "1"), S(60))!.Select(r => r.Job));
        Assert.False(p.Use("b", "1", S(61)));   // gone
    }

    [Fact]
    public void The_aging_speed_is_size_over_cost()
    {
        var small = R("s", "1", size: 10, cost: 1);
        var big = R("b", "1", size: 1000, cost: 1);
        small.LastUse = big.LastUse = 0;
        Assert.Equal(100, ReplacementPolicy.Score(big, S(5)) / ReplacementPolicy.Score(small, S(5)), 6);
        var slow = R("c", "1", size: 1000, cost: 100);
        slow.LastUse = 0;
        Assert.Equal(ReplacementPolicy.Score(small, S(5)), ReplacementPolicy.Score(slow, S(5)), 6);
    }
}
