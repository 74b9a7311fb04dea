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
