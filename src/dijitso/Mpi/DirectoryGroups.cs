// Which ranks share a physical cache directory, discovered rather than assumed: every rank leaves a mark
// named after a job token and its rank in its directory, a barrier, then each rank looks for the marks of
// all ranks in its own directory. Ranks that see each other's marks share the directory (same node, or a
// network file system); a group is named by its lowest rank, its leader.
using System.Security.Cryptography;

namespace Dijitso.Mpi;

public sealed class DirectoryGroups
{
    /// <summary>For each rank, the leader of its group.</summary>
    public int[] LeaderOf { get; }

    private DirectoryGroups(int[] leaderOf) => LeaderOf = leaderOf;

    public bool IsLeader(int rank) => LeaderOf[rank] == rank;
    public IEnumerable<int> Leaders => Enumerable.Range(0, LeaderOf.Length).Where(IsLeader);
    public IEnumerable<int> Members(int leader) => Enumerable.Range(0, LeaderOf.Length).Where(r => LeaderOf[r] == leader);

    public static DirectoryGroups Discover(MpiJob job, string directory)
    {
        byte[] token = job.Mpi.Bcast(job.Rank == 0 ? RandomNumberGenerator.GetBytes(8) : null, 0);
        string tag = Convert.ToHexString(token).ToLowerInvariant();
        string Mark(int rank) => Path.Combine(directory, $".mark-{tag}-{rank}");
        job.Agree(() =>
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Mark(job.Rank), Environment.MachineName);
        });
        // Looking each name up (rather than listing the directory) makes network file systems revalidate.
        int leader = job.Agree(() => Enumerable.Range(0, job.Size).First(r => r == job.Rank || File.Exists(Mark(r))));
        job.Agree(() => File.Delete(Mark(job.Rank)));
        return new DirectoryGroups(job.Mpi.Allgather(leader));
    }
}
