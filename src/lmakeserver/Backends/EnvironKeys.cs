// The $NAME words a rule's environ values may hold and what each stands for in the job ($REPO_ROOT, $TMPDIR,
// $SMALL_ID...): replaced when the job's environment is built, because their values (the slot, the tmp dir,
// the install) are only known then, and are no part of the job's command (the job is not rerun for them).
using System.Text;

namespace Lmake.Server.Backends;

public static class EnvironKeys
{
    /// <summary>The standard path, as bash sets it when $PATH is unset ($STD_PATH).</summary>
    public const string StdPath = "/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin";

    /// <summary><paramref name="value"/> with every $NAME of <paramref name="keys"/> replaced by its value; any
    /// other $word is left as written (for the shell of the job to expand, or not).</summary>
    public static string Substitute(string value, IReadOnlyDictionary<string, string> keys)
    {
        int dollar = value.IndexOf('$');
        if (dollar < 0) return value;   // most values: no copy
        var sb = new StringBuilder(value.Length + 32);
        int i = 0;
        while (dollar >= 0)
        {
            sb.Append(value, i, dollar - i);
            int end = dollar + 1;
            while (end < value.Length && (char.IsAsciiLetterOrDigit(value[end]) || value[end] == '_')) end++;
            // the longest name wins ($PYTHON_LD_LIBRARY_PATH is not $PYTHON followed by text)
            if (keys.TryGetValue(value.Substring(dollar + 1, end - dollar - 1), out string? v)) sb.Append(v);
            else sb.Append(value, dollar, end - dollar);
            i = end;
            dollar = i < value.Length ? value.IndexOf('$', i) : -1;
        }
        sb.Append(value, i, value.Length - i);
        return sb.ToString();
    }
}
