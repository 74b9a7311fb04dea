// Which rank of how many this process is, as the launcher's environment says (before any MPI call):
// Open MPI (OMPI_COMM_WORLD_*), MPICH/Hydra (PMI_*), PMIx (PMIX_RANK), Slurm srun (SLURM_PROCID/SLURM_NTASKS).
namespace Dijitso.Mpi;

public sealed record LauncherEnvironment(string Launcher, int Rank, int Size, string SizeVariable)
{
    /// <summary>Null when no launcher started this process, or DIJITSO_MPI=off says to ignore it
    /// (a program that is itself an MPI rank and runs dijitso as a child).</summary>
    public static LauncherEnvironment? Detect()
    {
        string? mode = Environment.GetEnvironmentVariable("DIJITSO_MPI");
        if (mode is "off" or "0" or "no") return null;
        return From("Open MPI", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE")
            ?? From("MPICH/Hydra", "PMI_RANK", "PMI_SIZE")
            ?? From("PMIx", "PMIX_RANK", "PMIX_SIZE")
            // A batch script has SLURM_NTASKS too but is no task of a step: only srun's tasks have a step id.
            ?? (Environment.GetEnvironmentVariable("SLURM_STEP_ID") is { Length: > 0 }
                ? From("Slurm", "SLURM_PROCID", "SLURM_NTASKS") ?? From("Slurm", "SLURM_PROCID", "SLURM_NPROCS")
                : null);
    }

    private static LauncherEnvironment? From(string launcher, string rankVar, string sizeVar)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(rankVar), out int rank)) return null;
        // PMIx alone does not export the size: -1 means "unknown, ask MPI".
        int size = int.TryParse(Environment.GetEnvironmentVariable(sizeVar), out int s) ? s : -1;
        return new LauncherEnvironment(launcher, rank, size, sizeVar);
    }

    /// <summary>Whether MPI is needed: a job of one rank is served like a plain process.</summary>
    public bool IsParallel => Size != 1;
}
