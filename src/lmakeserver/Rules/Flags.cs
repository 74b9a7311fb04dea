// Flags on targets and deps (spec A2), as the reader spells them in its JSON (snake_case).
namespace Lmake.Server.Rules;

[Flags]
public enum TargetFlags
{
    None = 0,
    Essential = 1 << 0,      // shown in the graphs
    Incremental = 1 << 1,    // not removed before the job runs
    Optional = 1 << 2,       // the job may not produce it
    Phony = 1 << 3,          // need not exist
    SourceOk = 1 << 4,       // may overwrite a source
    NoWarning = 1 << 5,
    Ignore = 1 << 6,         // writes are not tracked
    Top = 1 << 7,            // the name is relative to the top repo
}

[Flags]
public enum DepFlags
{
    None = 0,
    Essential = 1 << 0,
    Critical = 1 << 1,       // when it changes, later deps are not looked at before the job reruns
    IgnoreError = 1 << 2,    // the job runs even if the dep is in error
    Required = 1 << 3,       // must be buildable
    ReaddirOk = 1 << 4,
    Ignore = 1 << 5,         // accesses are not deps
    Top = 1 << 6,
    // not a user flag: the dep was declared by the same ldepend call as the dep recorded before it (critical deps
    // are looked at by whole calls)
    ParallelWithPrevious = 1 << 7,
    // not a user flag: only the job's resources (resources, environ_resources) read it while they were computed; as
    // resources do (rules.md), a change of it reruns the job only when it is in error
    Resource = 1 << 8,
}

public static class FlagNames
{
    // (the names are a list and the place is given in two pieces: a rule of a hundred deps parses a hundred lists
    // when a new server starts, and an enumerator and a message for each were most of what that allocated)
    /// <param name="where">with <paramref name="key"/>, where the flags are written, for the message ("target", "OBJ")</param>
    public static TargetFlags ParseTargetFlags(IReadOnlyList<string> names, string where, string key)
    {
        TargetFlags flags = TargetFlags.None;
        for (int i = 0; i < names.Count; i++)
            flags |= names[i] switch
            {
                "essential" => TargetFlags.Essential, "incremental" => TargetFlags.Incremental,
                "optional" => TargetFlags.Optional, "phony" => TargetFlags.Phony, "source_ok" => TargetFlags.SourceOk,
                "no_warning" => TargetFlags.NoWarning, "ignore" => TargetFlags.Ignore, "top" => TargetFlags.Top,
                _ => throw new LmakefileException($"{where} {key}: unknown target flag {names[i]}"),
            };
        return flags;
    }

    public static DepFlags ParseDepFlags(IReadOnlyList<string> names, string where, string key)
    {
        DepFlags flags = DepFlags.None;
        for (int i = 0; i < names.Count; i++)
            flags |= names[i] switch
            {
                "essential" => DepFlags.Essential, "critical" => DepFlags.Critical, "ignore_error" => DepFlags.IgnoreError,
                "required" => DepFlags.Required, "readdir_ok" => DepFlags.ReaddirOk, "ignore" => DepFlags.Ignore,
                "top" => DepFlags.Top,
                _ => throw new LmakefileException($"{where} {key}: unknown dep flag {names[i]}"),
            };
        return flags;
    }
}
