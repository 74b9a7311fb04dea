// One file a job touched, with every way it touched it.
namespace Lmake.Autodep;

/// <summary>The same bit values as the shim's AD_* constants (src/autodep/shim/shim.h).</summary>
[Flags]
public enum AccessKind
{
    None = 0, Read = 1, Stat = 2, Readlink = 4, ReadDir = 8, Exec = 16, Write = 32, Unlink = 64, Mkdir = 128,
}

/// <param name="Name">Repo-relative (canonical, no ./ ..) for files in the repo, absolute for files in
/// SourceDirs.</param>
/// <param name="Kinds">Every kind of access seen for that name.</param>
/// <param name="ExistedAtFirstRead">Whether the file existed at the first access that looked at it (any
/// kind but Write/Unlink/Mkdir); false when it was never looked at.</param>
public readonly record struct Access(string Name, AccessKind Kinds, bool ExistedAtFirstRead)
{
    public const AccessKind ReadKinds =
        AccessKind.Read | AccessKind.Stat | AccessKind.Readlink | AccessKind.ReadDir | AccessKind.Exec;
}
