// The local backend's resource pool: who starts when, in which order, and that every grant comes back.
using Lmake.Server.Backends;
using Lmake.Server.Backends.Local;
using Lmake.Server.Rules;

namespace Lmake.Server.Tests;

public class ResourcePoolTests
{
    // resources in the pool's order (sorted by name): cpu, gpu, mem
    private static ResourcePool Pool(TimeSpan holdBackAfter, Func<long>? clock = null) =>
        new(new Dictionary<string, long> { ["cpu"] = 4, ["gpu"] = 1, ["mem"] = 1000 }, holdBackAfter, clock);

    private static long[] Ask(long cpu, long gpu = 0, long mem = 0) => [cpu, gpu, mem];

    private static readonly TimeSpan Never = TimeSpan.MaxValue;

    private static Task<ResourceGrant> Within(Task<ResourceGrant> t) => t.WaitAsync(TimeSpan.FromSeconds(60));   // a hang guard, not a speed bound

    [Fact]
    public async Task ADemandThatFitsIsGrantedAtOnceAndCounted()
    {
        ResourcePool pool = Pool(Never);
        Task<ResourceGrant> a = pool.Acquire(Ask(3, 1, 500), null, default);
        Assert.True(a.IsCompletedSuccessfully);
        Assert.Equal(3, pool.InUse("cpu"));
        Assert.Equal(1, pool.InUse("gpu"));
        (await a).Dispose();
        (await a).Dispose();   // a second release gives nothing back twice
        Assert.Equal(0, pool.InUse("cpu"));
        Assert.Equal(0, pool.InUse("mem"));
    }

    [Fact]
    public async Task ADemandThatDoesNotFitWaitsForARelease()
    {
        ResourcePool pool = Pool(Never);
        ResourceGrant first = await pool.Acquire(Ask(1, 1), null, default);
        Task<ResourceGrant> second = pool.Acquire(Ask(1, 1), null, default);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, pool.Waiting);
        first.Dispose();
        await Within(second);
        Assert.Equal(1, pool.InUse("gpu"));
        (await second).Dispose();
        Assert.Equal(0, pool.InUse("gpu"));
    }

    [Fact]
    public async Task WaitersAreServedInTheOrderTheyAsked()
    {
        ResourcePool pool = Pool(Never);
        ResourceGrant holder = await pool.Acquire(Ask(1, 1), null, default);
        var waiting = Enumerable.Range(0, 5).Select(_ => pool.Acquire(Ask(1, 1), null, default)).ToList();
        for (int i = 0; i < waiting.Count; i++)
        {
            (i == 0 ? holder : (await waiting[i - 1])).Dispose();
            await Within(waiting[i]);
            Assert.All(waiting.Skip(i + 1), w => Assert.False(w.IsCompleted));
        }
        (await waiting[^1]).Dispose();
        Assert.Equal(0, pool.InUse("gpu"));
        Assert.Equal(0, pool.InUse("cpu"));
    }

    [Fact]
    public async Task ASmallJobMayPassABigOneThatWaits()
    {
        ResourcePool pool = Pool(Never);
        ResourceGrant running = await pool.Acquire(Ask(2), null, default);
        Task<ResourceGrant> big = pool.Acquire(Ask(4), null, default);
        Task<ResourceGrant> small = pool.Acquire(Ask(1), null, default);
        Assert.False(big.IsCompleted);
        Assert.True(small.IsCompletedSuccessfully);
        running.Dispose();
        (await small).Dispose();
        await Within(big);
    }

    [Fact]
    public async Task ABigJobWaitingPastTheBoundIsNoLongerPassed()
    {
        long now = 0;
        ResourcePool pool = Pool(TimeSpan.FromSeconds(1), () => now);
        ResourceGrant running = await pool.Acquire(Ask(2), null, default);
        Task<ResourceGrant> big = pool.Acquire(Ask(4), null, default);
        Task<ResourceGrant> early = pool.Acquire(Ask(1), null, default);
        Assert.True(early.IsCompletedSuccessfully);   // within the bound: it passes
        now += 2 * System.Diagnostics.Stopwatch.Frequency;
        Task<ResourceGrant> late = pool.Acquire(Ask(1), null, default);
        Assert.False(late.IsCompleted);                // past it: what is free is kept for the big one
        running.Dispose();
        (await early).Dispose();
        await Within(big);
        Assert.False(late.IsCompleted);
        (await big).Dispose();
        await Within(late);
        (await late).Dispose();
        Assert.Equal(0, pool.InUse("cpu"));
    }

    [Fact]
    public async Task ACancelledWaiterTakesNothingAndLetsOthersThrough()
    {
        long now = 0;
        ResourcePool pool = Pool(TimeSpan.Zero, () => now);   // every waiter holds back at once
        ResourceGrant running = await pool.Acquire(Ask(3), null, default);
        using var cancel = new CancellationTokenSource();
        Task<ResourceGrant> big = pool.Acquire(Ask(4), null, cancel.Token);
        Task<ResourceGrant> small = pool.Acquire(Ask(1), null, default);
        Assert.False(small.IsCompleted);   // held back by the big one
        cancel.Cancel();
        Assert.True(big.IsCanceled);
        await Within(small);     // the big one's hold is gone with it
        Assert.Equal(0, pool.Waiting);
        (await small).Dispose();
        running.Dispose();
        Assert.Equal(0, pool.InUse("cpu"));
    }

    [Fact]
    public void ACancelledTokenBeforeAskingTakesNothing()
    {
        ResourcePool pool = Pool(Never);
        Task<ResourceGrant> t = pool.Acquire(Ask(1), null, new CancellationToken(true));
        Assert.True(t.IsCanceled);
        Assert.Equal(0, pool.InUse("cpu"));
    }

    [Fact]
    public async Task TheJobCountLimitOfARequestCapsItsRunningJobs()
    {
        ResourcePool pool = Pool(Never);
        var limit = new JobCountLimit(1);
        ResourceGrant a = await pool.Acquire(Ask(1), limit, default);
        Task<ResourceGrant> b = pool.Acquire(Ask(1), limit, default);
        Task<ResourceGrant> other = pool.Acquire(Ask(1), null, default);   // another request: not capped by it
        Assert.False(b.IsCompleted);
        Assert.True(other.IsCompletedSuccessfully);
        a.Dispose();
        await Within(b);
        Assert.Equal(1, limit.Running);
        (await b).Dispose();
        (await other).Dispose();
        Assert.Equal(0, limit.Running);
    }

    [Fact]
    public Task ADemandAboveTheCapacityIsRefusedRatherThanWaitedFor() =>
        Assert.ThrowsAsync<ArgumentException>(() => Pool(Never).Acquire(Ask(5), null, default));

    [Theory]
    [InlineData("mem", "100", 100L)]
    [InlineData("mem", "100M", 100L)]
    [InlineData("mem", "2G", 2048L)]
    [InlineData("tmp", "1T", 1048576L)]
    [InlineData("mem", "512k", 1L)]
    [InlineData("cpu", "3", 3L)]
    [InlineData("cpu", "2.0", 2L)]
    [InlineData("cpu", "2G", null)]
    [InlineData("cpu", "abc", null)]
    [InlineData("cpu", "-1", null)]
    [InlineData("mem", "", null)]
    public void AmountsAreReadInTheirUnits(string resource, string text, long? expected) =>
        Assert.Equal(expected, ResourceAmount.Parse(resource, text));

    [Fact]
    public async Task OfTheWaitingJobsTheMostPressingStartsFirstWhateverItsKind()
    {
        ResourcePool pool = Pool(Never);
        ResourceGrant all = await pool.Acquire(Ask(4), null, default);
        Task<ResourceGrant> early = pool.Acquire(Ask(1), null, default, pressure: 1);
        Task<ResourceGrant> urgent = pool.Acquire(Ask(2, 0, 10), null, default, pressure: 30);   // another kind of demand
        Task<ResourceGrant> middle = pool.Acquire(Ask(1), null, default, pressure: 10);
        all.Dispose();   // room for 4 cpus: 2 + 1 + 1, most pressing first
        await Within(urgent);
        await Within(middle);
        await Within(early);
        Assert.Equal(4, pool.InUse("cpu"));
        (await urgent).Dispose();
        (await middle).Dispose();
        (await early).Dispose();

        ResourceGrant three = await pool.Acquire(Ask(3), null, default);
        Task<ResourceGrant> first = pool.Acquire(Ask(1), null, default, pressure: 2);
        Task<ResourceGrant> second = pool.Acquire(Ask(1), null, default, pressure: 9);
        Assert.True(first.IsCompletedSuccessfully);   // nobody waited: it fits at once
        Assert.False(second.IsCompleted);
        three.Dispose();
        await Within(second);
        (await first).Dispose();
        (await second).Dispose();
    }

    [Fact]
    public async Task WhenOnlyOneFitsTheMorePressingOfTwoWaitingJobsGetsIt()
    {
        ResourcePool pool = Pool(Never);
        ResourceGrant all = await pool.Acquire(Ask(4), null, default);
        Task<ResourceGrant> low = pool.Acquire(Ask(3), null, default, pressure: 1);
        Task<ResourceGrant> high = pool.Acquire(Ask(3), null, default, pressure: 100);
        all.Dispose();
        ResourceGrant got = await Within(high);
        Assert.False(low.IsCompleted);
        got.Dispose();
        (await Within(low)).Dispose();
    }
}
