// `lmakeserver --repair --check` (lmake_repair --check): tells a sound store from a damaged one without changing
// anything. In full: the seal of the last clean stop when there is one (StoreSeal), the sum of every page that has
// one (src/store/PageSums.cs: what a kill leaves is checkable too), and every record's ids (each job's deps and
// targets in their files, each node a name). Exit 0 when sound, 5 (ExitCode.BadState) with one message naming the
// damaged file and `consider : lmake_repair` when not. Refused while a server runs (it writes the store).
using Lmake.Common;
using Lmake.Common.Protocol;
using Lmake.Server.State;
using Lmake.Store;

namespace Lmake.Server.Admin;

public static class StoreCheck
{
    public static int Run(string repoRoot, TextWriter output)
    {
        var files = new ServerFiles(repoRoot);
        var dir = new LmakeDir(repoRoot);
        if (!Directory.Exists(dir.Store))
        {
            output.WriteLine($"lmake_repair: nothing to check: {dir.Store} does not exist (nothing was built yet)");
            return ExitCode.Ok;
        }
        using FileLock? serverLock = FileLock.TryAcquire(files.LockFile);
        if (serverLock == null)
        {
            Console.Error.WriteLine($"lmake_repair: a server runs for {repoRoot}: wait for the lmake commands of this repo to end, then retry");
            return ExitCode.BadState;
        }
        try
        {
            using var store = new GraphStore(dir.Dir, writable: false, verify: true);
            uint nodes = store.NodeCount, jobs = store.JobCount;
            for (uint id = 1; id <= nodes; id++) store.NodeName(id);
            for (uint id = 1; id <= jobs; id++)
            {
                StoredJob job = store.ReadJob(id);
                foreach (StoredDep d in job.Deps) CheckNode(store, d.Node, "a dep");
                foreach (uint t in job.Targets) CheckNode(store, t, "a target");
            }
            output.WriteLine($"lmake_repair: {Path.GetRelativePath(repoRoot, dir.Store)} is sound: {nodes} names, {jobs} jobs, " +
                $"{store.PagesChecked} pages checked against their sums");
            return ExitCode.Ok;
        }
        catch (StoreException e)
        {
            string message = e.Message.Contains("consider : lmake_repair", StringComparison.Ordinal) ? e.Message
                : e.Message + "\n  consider : lmake_repair (rebuilds the store from the job records)";
            Console.Error.WriteLine($"lmake_repair: {message}");
            return ExitCode.BadState;
        }
    }

    private static void CheckNode(GraphStore store, uint node, string what)
    {
        if (node == 0 || node > store.NodeCount)
            throw new StoreException(Path.Combine(store.Dir, "deps"), $"damaged: {what} of a job is node {node}, not in 1..{store.NodeCount}");
    }
}
