// The colour of a line lmake prints on a terminal, from what the line says (execution.md's status words): ok in
// green, what may cost another run in yellow, errors in red, the notes and job output under a status line in blue.
// Only the colour is added: the text is the same bytes a pipe gets.
using System.Text;

namespace Lmake.Client;

internal static class StatusColors
{
    private static readonly byte[] Green = "\e[32m"u8.ToArray(), Yellow = "\e[33m"u8.ToArray(), Red = "\e[31m"u8.ToArray(),
        Blue = "\e[34m"u8.ToArray();
    public static ReadOnlySpan<byte> Reset => "\e[0m"u8;

    private static readonly HashSet<string> Ok = new(StringComparer.Ordinal)
        { "done", "steady", "hit_done", "hit_steady", "was_done", "was_steady", "new", "completed" };
    private static readonly HashSet<string> Warning = new(StringComparer.Ordinal)
        { "may_rerun", "rerun", "early_rerun", "hit_rerun", "changed", "quarantined", "unlink", "retry", "lost", "continue",
          "reformat", "expand", "update", "double_start", "no_cache_upload", "no_cache_dismiss", "bad_cache_download" };
    private static readonly HashSet<string> Error = new(StringComparer.Ordinal)
        { "failed", "dep_error", "was_failed", "was_dep_error", "missing", "missing_static", "killed", "run_loop", "submit_loop",
          "lost_error", "dangling", "multi", "no_dynamic", "deps_not_available", "bad_dep", "bad_side_dep", "bad_side_target",
          "bad_target" };

    /// <summary>The escape sequence that colours <paramref name="line"/>, or null: printed as it is.</summary>
    public static byte[]? Of(ReadOnlySpan<byte> line)
    {
        if (line.Length == 0) return null;
        if (line[0] is (byte)' ' or (byte)'\t') return Blue;   // a note or a line of a job's output, under its status line
        // HH:MM:SS[.fff] word ...
        int space = line.IndexOf((byte)' ');
        if (space < 8 || line[2] != ':' || line[5] != ':') return null;
        ReadOnlySpan<byte> rest = line[(space + 1)..];
        int end = rest.IndexOf((byte)' ');
        string word = Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
        return Ok.Contains(word) ? Green : Warning.Contains(word) ? Yellow : Error.Contains(word) ? Red : null;
    }
}
