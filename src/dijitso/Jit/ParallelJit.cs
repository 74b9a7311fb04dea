// `dijitso jit` as one rank of an MPI job. All ranks make the same collective calls in the same order, and
// every step ends in MpiJob.Agree, so a failure anywhere reaches every rank and none waits forever.
//   node    (default) one build per physical cache directory, by the group's leader (under the file lock,
//           which also keeps out unrelated processes); the others wait in the agreement, then use it.
//   root    rank 0 builds; it sends the library (and its source) to the leader of every other directory,
//           which publishes it; the others wait, then use their own directory.
//   process every rank builds in its own directory; ranks sharing one is an error.
using Dijitso.Build;
using Dijitso.Cache;
using Dijitso.Mpi;
using Dijitso.Params;

namespace Dijitso.Jit;

public static class ParallelJit
{
    private const int LibraryTag = 6061;

    public static JitStatus Run(MpiJob job, Parameters p, CacheLayout layout, JitRequest request, Func<JitSource> source)
    {
        string sig = request.Signature;
        string lib = layout.LibPath(sig);
        // Everyone hits: one collective and done, the common case once the cache is warm.
        bool hit = File.Exists(lib);
        if (job.Mpi.AllreduceMin(hit ? 1 : 0) == 1) return JitStatus.Hit;

        DirectoryGroups groups = DirectoryGroups.Discover(job, layout.LibDir);
        return request.BuildOn switch
        {
            BuildOn.Process => Process(job, groups, p, layout, request, source),
            BuildOn.Root => Root(job, groups, p, layout, request, source),
            _ => Node(job, groups, p, layout, request, source, hit),
        };
    }

    private static JitStatus Node(MpiJob job, DirectoryGroups groups, Parameters p, CacheLayout layout, JitRequest request, Func<JitSource> source, bool hit)
    {
        JitStatus status = job.Agree(() => groups.IsLeader(job.Rank)
            ? DirectoryJit.Ensure(p, layout, request, source)
            : hit ? JitStatus.Hit : JitStatus.Waited);
        job.Agree(() => Present(layout, request.Signature, job.Rank, groups.LeaderOf[job.Rank]));
        return status;
    }

    private static JitStatus Process(MpiJob job, DirectoryGroups groups, Parameters p, CacheLayout layout, JitRequest request, Func<JitSource> source)
    {
        job.Agree(() =>
        {
            int[] mates = [.. groups.Members(groups.LeaderOf[job.Rank])];
            if (mates.Length > 1)
                throw new DijitsoError(DijitsoExit.Parallel,
                    $"dijitso: --build-on process needs a cache directory per rank, but ranks {string.Join(',', mates)} share {layout.Root}: " +
                    "give each rank its own --cache-dir (e.g. with the rank in it), or use --build-on node");
        });
        return job.Agree(() => DirectoryJit.Ensure(p, layout, request, source));
    }

    private static JitStatus Root(MpiJob job, DirectoryGroups groups, Parameters p, CacheLayout layout, JitRequest request, Func<JitSource> source)
    {
        string sig = request.Signature;
        JitSource? built = null;
        byte[] library = [], src = [], header = [];
        JitStatus status = job.Agree(() =>
        {
            if (job.Rank != 0) return JitStatus.Waited;
            JitStatus s = DirectoryJit.Ensure(p, layout, request, () => built = source());
            library = File.ReadAllBytes(layout.LibPath(sig));
            // The source travels too, so that grep/show work in every directory; read back from the cache if
            // this rank did not build it itself (another process did).
            src = built?.Source ?? (layout.StoredSource(sig) is { } stored ? StoredSource.ReadBytes(stored) : []);
            header = built?.Header ?? (File.Exists(layout.HeaderPath(sig)) ? File.ReadAllBytes(layout.HeaderPath(sig)) : []);
            return s;
        });

        int[] receivers = [.. groups.Leaders.Where(l => l != groups.LeaderOf[0])];
        if (!receivers.Contains(job.Rank))
        {
            // Rank 0 sends inside this step; the others only wait for the receivers to publish.
            if (job.Rank == 0)
            {
                foreach (int r in receivers)
                {
                    job.Mpi.Send(library, r, LibraryTag);
                    job.Mpi.Send(src, r, LibraryTag + 1);
                    job.Mpi.Send(header, r, LibraryTag + 2);
                }
            }
            job.Agree(() => { });
        }
        else
        {
            library = job.Mpi.Recv(0, LibraryTag);
            src = job.Mpi.Recv(0, LibraryTag + 1);
            header = job.Mpi.Recv(0, LibraryTag + 2);
            status = job.Agree(() => PublishReceived(p, layout, sig, library, new JitSource(src, header.Length > 0 ? header : null)));
        }
        job.Agree(() => Present(layout, sig, job.Rank, groups.LeaderOf[job.Rank]));
        return status;
    }

    private static JitStatus PublishReceived(Parameters p, CacheLayout layout, string sig, byte[] library, JitSource src)
    {
        using var held = Locking.SignatureLock.Acquire(layout.LockPath(sig));
        if (File.Exists(layout.LibPath(sig))) return held.Waited ? JitStatus.Waited : JitStatus.Hit;
        Compilation.Publish(p, layout, sig, library, src);
        return JitStatus.Received;
    }

    /// <summary>After the agreement, the library must be in this rank's directory; if not, the discovery was
    /// wrong (a file system that hides other clients' files for a while) and we say so rather than return nothing.</summary>
    private static void Present(CacheLayout layout, string sig, int rank, int leader)
    {
        if (File.Exists(layout.LibPath(sig))) return;
        throw new DijitsoError(DijitsoExit.Parallel,
            $"dijitso: rank {rank}: {layout.LibPath(sig)} is missing after rank {leader} published it " +
            "(does this file system show other hosts' files late? try --build-on process with a directory per rank)");
    }
}
