// The MPI library of the system, loaded at run time (dlopen, RTLD_GLOBAL so that Open MPI's plugins resolve
// their symbols) and called through function pointers. Both handle ABIs are served: Open MPI's handles are
// addresses of global structs (ompi_mpi_comm_world, ompi_mpi_byte...), MPICH's are integer constants
// (MPI_COMM_WORLD = 0x44000000...). On x86-64 both travel in one 64-bit register, so one set of pointer
// signatures taking nint handles fits both.
using System.Runtime.InteropServices;

namespace Dijitso.Mpi;

public sealed unsafe partial class MpiLibrary
{
    public string Path { get; }
    public bool IsOpenMpi { get; }

    private readonly nint _commWorld, _byte, _int, _opMin, _opMax, _statusIgnore;
    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<int*, nint*, int> _init;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<nint, int*, int> _commRank;
    private readonly delegate* unmanaged<nint, int*, int> _commSize;
    private readonly delegate* unmanaged<nint, int> _barrier;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged<void*, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> _allgather;
    private readonly delegate* unmanaged<void*, int, nint, int, int, nint, int> _send;
    private readonly delegate* unmanaged<void*, int, nint, int, int, nint, nint, int> _recv;

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlOpen(string file, int mode);

    [LibraryImport("libc", EntryPoint = "dlsym", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlSym(nint handle, string symbol);

    [LibraryImport("libc", EntryPoint = "dlerror")]
    private static partial nint DlError();

    private const int RTLD_NOW = 2, RTLD_GLOBAL = 0x100;

    /// <summary>The library to load for a launcher: DIJITSO_MPI_LIB if set, else the usual soname(s).</summary>
    public static string[] Candidates(LauncherEnvironment launcher)
    {
        if (Environment.GetEnvironmentVariable("DIJITSO_MPI_LIB") is { Length: > 0 } forced) return [forced];
        return launcher.Launcher switch
        {
            "Open MPI" => ["libmpi.so.40"],
            "MPICH/Hydra" => ["libmpich.so.12", "libmpi.so.12"],
            _ => ["libmpi.so.40", "libmpich.so.12", "libmpi.so.12"],
        };
    }

    public static MpiLibrary Load(LauncherEnvironment launcher)
    {
        var errors = new List<string>();
        foreach (string name in Candidates(launcher))
        {
            nint h = DlOpen(name, RTLD_NOW | RTLD_GLOBAL);
            if (h != 0) return new MpiLibrary(name, h);
            errors.Add(Marshal.PtrToStringUTF8(DlError()) ?? name);
        }
        throw new DijitsoError(DijitsoExit.Parallel,
            $"dijitso: started by {launcher.Launcher} but no MPI library could be loaded ({string.Join("; ", errors)}); " +
            "install it, set DIJITSO_MPI_LIB to its path, or DIJITSO_MPI=off to build without MPI");
    }

    private MpiLibrary(string path, nint h)
    {
        Path = path;
        nint Sym(string name) => DlSym(h, name) is var p && p != 0 ? p
            : throw new DijitsoError(DijitsoExit.Parallel, $"dijitso: {path} has no {name}: is it an MPI library?");
        _initialized = (delegate* unmanaged<int*, int>)Sym("MPI_Initialized");
        _init = (delegate* unmanaged<int*, nint*, int>)Sym("MPI_Init");
        _finalize = (delegate* unmanaged<int>)Sym("MPI_Finalize");
        _commRank = (delegate* unmanaged<nint, int*, int>)Sym("MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)Sym("MPI_Comm_size");
        _barrier = (delegate* unmanaged<nint, int>)Sym("MPI_Barrier");
        _allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Sym("MPI_Allreduce");
        _bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Sym("MPI_Bcast");
        _allgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)Sym("MPI_Allgather");
        _send = (delegate* unmanaged<void*, int, nint, int, int, nint, int>)Sym("MPI_Send");
        _recv = (delegate* unmanaged<void*, int, nint, int, int, nint, nint, int>)Sym("MPI_Recv");
        IsOpenMpi = DlSym(h, "ompi_mpi_comm_world") != 0;
        if (IsOpenMpi)
        {
            _commWorld = Sym("ompi_mpi_comm_world");
            _byte = Sym("ompi_mpi_byte");
            _int = Sym("ompi_mpi_int");
            _opMin = Sym("ompi_mpi_op_min");
            _opMax = Sym("ompi_mpi_op_max");
            _statusIgnore = 0;
        }
        else
        {
            // mpi.h of MPICH (and its ABI-compatible derivatives: Intel MPI, MVAPICH, Cray MPICH).
            _commWorld = 0x44000000;
            _byte = 0x4c00010d;
            _int = 0x4c000405;
            _opMax = 0x58000001;
            _opMin = 0x58000002;
            _statusIgnore = 1;
        }
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0) throw new DijitsoError(DijitsoExit.Parallel, $"dijitso: {call} failed (MPI error {rc})");
    }

    public void Init()
    {
        int done;
        Check(_initialized(&done), "MPI_Initialized");
        if (done == 0) Check(_init(null, null), "MPI_Init");
    }

    public void Shutdown() => _finalize();

    public int Rank { get { int r; Check(_commRank(_commWorld, &r), "MPI_Comm_rank"); return r; } }
    public int Size { get { int s; Check(_commSize(_commWorld, &s), "MPI_Comm_size"); return s; } }

    public void Barrier() => Check(_barrier(_commWorld), "MPI_Barrier");

    public int AllreduceMin(int value) { int r; Check(_allreduce(&value, &r, 1, _int, _opMin, _commWorld), "MPI_Allreduce"); return r; }
    public int AllreduceMax(int value) { int r; Check(_allreduce(&value, &r, 1, _int, _opMax, _commWorld), "MPI_Allreduce"); return r; }

    public int[] Allgather(int value)
    {
        var all = new int[Size];
        fixed (int* p = all) Check(_allgather(&value, 1, _int, p, 1, _int, _commWorld), "MPI_Allgather");
        return all;
    }

    /// <summary>Broadcasts a byte array of any length from <paramref name="root"/> (length first).</summary>
    public byte[] Bcast(byte[]? data, int root)
    {
        int length = data?.Length ?? 0;
        Check(_bcast(&length, 1, _int, root, _commWorld), "MPI_Bcast");
        byte[] buffer = Rank == root && data != null ? data : new byte[length];
        if (length > 0) fixed (byte* p = buffer) Check(_bcast(p, length, _byte, root, _commWorld), "MPI_Bcast");
        return buffer;
    }

    public void Send(byte[] data, int dest, int tag)
    {
        int length = data.Length;
        Check(_send(&length, 1, _int, dest, tag, _commWorld), "MPI_Send");
        if (length > 0) fixed (byte* p = data) Check(_send(p, length, _byte, dest, tag, _commWorld), "MPI_Send");
    }

    public byte[] Recv(int source, int tag)
    {
        int length;
        Check(_recv(&length, 1, _int, source, tag, _commWorld, _statusIgnore), "MPI_Recv");
        var data = new byte[length];
        if (length > 0) fixed (byte* p = data) Check(_recv(p, length, _byte, source, tag, _commWorld, _statusIgnore), "MPI_Recv");
        return data;
    }
}
