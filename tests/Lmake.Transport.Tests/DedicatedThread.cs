// Runs test code on a thread of its own, not the pool: a starved pool (2 cores, blocking tests) would delay
// a start past a server's idle grace, or keep clients meant to be concurrent from running together.
namespace Lmake.Transport.Tests;

internal static class DedicatedThread
{
    public static Task<T> Run<T>(Func<T> body)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try { done.SetResult(body()); }
            catch (Exception e) { done.SetException(e); }
        }) { IsBackground = true }.Start();
        return done.Task;
    }

    public static Task Run(Action body) => Run(() => { body(); return 0; });
}
