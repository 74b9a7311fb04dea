// Running work on a thread that owns its state (the engine thread), from any other thread, and getting the
// result back as a task: the owner's SynchronizationContext runs it, the task completes on whoever awaits.
namespace Lmake.Common;

public static class ContextTasks
{
    /// <summary>Runs <paramref name="work"/> on <paramref name="owner"/>; the task ends with its result.</summary>
    public static Task<T> RunOn<T>(this SynchronizationContext owner, Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        owner.Post(async _ =>
        {
            try { done.SetResult(await work()); }
            catch (Exception e) { done.SetException(e); }
        }, null);
        return done.Task;
    }
}
