// One file a job touched, with every way it touched it.
namespace Lmake.Autodep;

/// <summary>The same bit values as the shim's AD_* constants (src/autodep/shim/shim.h).</summary>
[Flags]
public enum AccessKind
{
    None = 0, Read = 1, Stat = 2, Readlink = 4, ReadDir = 8, Exec = 16, Write = 32, Unlink = 64, Mkdir = 128,
    Depend = 256,   // named by ldepend without -R: a dep, though the job looked at nothing of it
}

/// <param name="Name">Repo-relative (canonical, no ./ ..) for files in the repo, absolute for files in
/// SourceDirs.</param>
/// <param name="Kinds">Every kind of access seen for that name.</param>
/// <param name="ExistedAtFirstRead">Whether the file existed at the first access that looked at it (any
/// kind but Write/Unlink/Mkdir); false when it was never looked at.</param>
public readonly record struct Access(string Name, AccessKind Kinds, bool ExistedAtFirstRead)
{
    public const AccessKind ReadKinds =
        AccessKind.Read | AccessKind.Stat | AccessKind.Readlink | AccessKind.ReadDir | AccessKind.Exec | AccessKind.Depend;

    /// <summary>Flags given by ldepend (or an ldepend -X pattern that matches the name).</summary>
    public DeclaredDepFlags DepFlags { get; init; }
    /// <summary>Flags given by ltarget (or an ltarget -X pattern that matches the name).</summary>
    public DeclaredTargetFlags TargetFlags { get; init; }
    /// <summary>Named by ldepend/ltarget (not only matched by a pattern). A declared dep also has Kinds Depend
    /// (Read with ldepend -R): it is a dep whether the job opened it or not.</summary>
    public bool Declared { get; init; }
    /// <summary>Named by ltarget, or matched by an ltarget -X pattern: a target of the job (writes allowed),
    /// whatever its flags (`ltarget x` has none).</summary>
    public bool DeclaredTarget { get; init; }
    /// <summary>Nonzero for deps declared by one ldepend call (they are parallel: no order among them);
    /// increasing with the calls. 0 for a plain access.</summary>
    public int ParallelGroup { get; init; }
    /// <summary>The file's mtime (lstat, ns) when the runner took in the first look at it: a different date when the
    /// job ends means the file changed after the job saw it (its job ran meanwhile). 0: not known, or no file.</summary>
    public long SeenMtimeNs { get; init; }
    /// <summary>The job wrote or removed the file before it ever looked at it: what it then found there was its own
    /// doing (a file there at that look did not exist before the job).</summary>
    public bool WrittenFirst { get; init; }

    /// <summary>The directory was listed (opendir/scandir) and no ldepend -D allowed it: the engine fails the
    /// job (`readdir of NAME without readdir_ok`) unless its rule says readdir_ok.</summary>
    public bool ReaddirWithoutOk => (Kinds & AccessKind.ReadDir) != 0 && (DepFlags & DeclaredDepFlags.ReaddirOk) == 0;
}
