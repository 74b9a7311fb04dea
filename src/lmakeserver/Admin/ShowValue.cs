// The answer of an admin query as plain data: strings, numbers, booleans, null, lists, ordered dicts, and
// tables (lists of rows that print as aligned columns). One value prints in three forms (ShowForms).
namespace Lmake.Server.Admin;

/// <summary>A dict whose keys keep the order they were added in (what scripts and people read).</summary>
public sealed class ShowDict : List<KeyValuePair<string, object?>>
{
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));
}

/// <summary>Rows of named columns: a list of dicts for scripts, aligned columns without keys for people.</summary>
public sealed class ShowTable : List<ShowDict>
{
}

/// <summary>A multi-line text (a script, a job's stdout): printed as is for people, a string for scripts.</summary>
public sealed record ShowText(string Text);

/// <summary>A fixed sequence (a dep as (flags, accesses, key, name), a job as (rule, name)): a Python tuple for
/// scripts, a JSON array.</summary>
public sealed class ShowTuple : List<object?>
{
    public ShowTuple(params object?[] items) : base(items) { }
}

/// <summary>Items whose order says nothing (parallel deps, the targets of a job): a Python set, a JSON array.</summary>
public sealed class ShowSet : List<object?>
{
}

/// <summary>A dict whose keys are not names (jobs as (rule, name) tuples): a Python dict with tuple keys; in JSON,
/// an array of [key, value] pairs (JSON keys are strings only).</summary>
public sealed class ShowMap : List<KeyValuePair<object, object?>>
{
    public void Add(object key, object? value) => Add(new KeyValuePair<object, object?>(key, value));
}
