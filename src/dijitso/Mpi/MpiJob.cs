// An MPI job as dijitso sees it: the library, this rank, and a way to agree on failures so that every
// rank learns of one (the message of the lowest failing rank reaches all) and none waits for a rank that gave up.
using System.Text;

namespace Dijitso.Mpi;

public sealed class MpiJob : IDisposable
{
    public MpiLibrary Mpi { get; }
    public int Rank { get; }
    public int Size { get; }

    private MpiJob(MpiLibrary mpi, int rank, int size) { Mpi = mpi; Rank = rank; Size = size; }

    /// <summary>Loads and initialises MPI, and checks that the library sees the job the launcher started.</summary>
    public static MpiJob Start(LauncherEnvironment launcher)
    {
        MpiLibrary mpi = MpiLibrary.Load(launcher);
        mpi.Init();
        int rank = mpi.Rank, size = mpi.Size;
        if (launcher.Size > 0 && (size != launcher.Size || rank != launcher.Rank))
        {
            mpi.Shutdown();
            throw new DijitsoError(DijitsoExit.Parallel,
                $"dijitso: {launcher.Launcher} started this process as rank {launcher.Rank} of {launcher.Size} ({launcher.SizeVariable}), " +
                $"but {mpi.Path} says rank {rank} of {size}: the MPI library does not match the launcher " +
                "(set DIJITSO_MPI_LIB to the launcher's libmpi, or use the launcher of the library)");
        }
        return new MpiJob(mpi, rank, size);
    }

    /// <summary>Runs <paramref name="step"/> on this rank, then agrees with every rank: if any failed, every
    /// rank throws, with the failing rank's message (and exit code). Collective: every rank must call it.</summary>
    public T Agree<T>(Func<T> step)
    {
        T result = default!;
        DijitsoError? local = null;
        try { result = step(); }
        catch (DijitsoError e) { local = e; }
        catch (Exception e)
        {
            // Whatever went wrong here, the other ranks must hear of it rather than wait for this one.
            local = new DijitsoError(DijitsoExit.Internal, $"dijitso: {e.Message}");
        }
        int firstFailed = Mpi.AllreduceMin(local != null ? Rank : Size);
        if (firstFailed == Size) return result;
        byte[] message = Mpi.Bcast(local != null && Rank == firstFailed ? Encoding.UTF8.GetBytes($"{local.ExitCode}\n{local.Message}") : null, firstFailed);
        string text = Encoding.UTF8.GetString(message);
        int nl = text.IndexOf('\n');
        int code = int.Parse(text[..nl]);
        string msg = text[(nl + 1)..];
        if (local != null && Rank == firstFailed) throw local;
        throw new DijitsoError(code, $"{msg} (reported by rank {firstFailed})");
    }

    public void Agree(Action step) => Agree(() => { step(); return 0; });

    public void Dispose() => Mpi.Shutdown();
}
