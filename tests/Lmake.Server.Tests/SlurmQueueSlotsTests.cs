// n_max_queued_jobs (backends.md): per set of resources, at most that many jobs wait in Slurm's queue; the others
// wait in lmake, the most pressing first, then in the order they came, and a job cancelled while it waits gives its turn to the next.
using Lmake.Server.Backends.Slurm;

namespace Lmake.Server.Tests;

public class SlurmQueueSlotsTests
{
    [Fact]
    public async Task BeyondTheBoundAJobWaitsForOneToStart()
    {
        var slots = new SlurmQueueSlots();
        Assert.True(slots.Enter("--mem=20M", 2, default).IsCompletedSuccessfully);
        Assert.True(slots.Enter("--mem=20M", 2, default).IsCompletedSuccessfully);
        Task third = slots.Enter("--mem=20M", 2, default);
        Assert.False(third.IsCompleted);
        Assert.True(slots.Enter("--mem=40M", 2, default).IsCompletedSuccessfully);   // other resources: another queue
        Assert.Equal(3, slots.Queued);
        slots.Leave("--mem=20M");
        await third.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, slots.Queued);   // the third took the place of the one that started
    }

    [Fact]
    public async Task AJobCancelledWhileWaitingGivesItsTurnToTheNext()
    {
        var slots = new SlurmQueueSlots();
        await slots.Enter("", 1, default);
        using var cancel = new CancellationTokenSource();
        Task cancelled = slots.Enter("", 1, cancel.Token);
        Task next = slots.Enter("", 1, default);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        slots.Leave("");
        await next.WaitAsync(TimeSpan.FromSeconds(30));
        slots.Leave("");
        Assert.Equal(0, slots.Queued);
    }

    [Fact]
    public async Task TheMostPressingWaitingJobIsSubmittedFirst()
    {
        var slots = new SlurmQueueSlots();
        await slots.Enter("", 1, default);
        Task light = slots.Enter("", 1, default, pressure: 5);
        Task heavy = slots.Enter("", 1, default, pressure: 50);
        Task alsoLight = slots.Enter("", 1, default, pressure: 5);
        slots.Leave("");
        await heavy.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(light.IsCompleted);
        slots.Leave("");
        await light.WaitAsync(TimeSpan.FromSeconds(30));   // of equal pressure, the first to come
        Assert.False(alsoLight.IsCompleted);
        slots.Leave("");
        await alsoLight.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
