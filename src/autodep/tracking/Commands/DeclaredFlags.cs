// The flags a job gives the files it names with ldepend/ltarget (or lmake.depend/lmake.target), spec B.
namespace Lmake.Autodep;

/// <summary>ldepend's flags: -c Critical, -E Essential, -e IgnoreError, -r NotRequired, -D ReaddirOk, -I Ignore,
/// -R Read (the names are read now; without it they are deps whose content the job did not look at).</summary>
[Flags]
public enum DeclaredDepFlags
{
    None = 0, Critical = 1, Essential = 2, IgnoreError = 4, NotRequired = 8, ReaddirOk = 16, Ignore = 32, Read = 64,
}

/// <summary>ltarget's flags: -W Write, -i Incremental, -p Phony, -s SourceOk, -I Ignore, -w NoWarning.</summary>
[Flags]
public enum DeclaredTargetFlags
{
    None = 0, Write = 1, Incremental = 2, Phony = 4, SourceOk = 8, Ignore = 16, NoWarning = 32,
}
