// A shell cmd that is one plain command (words, no quoting, expansion, redirection or operator) is run
// directly, without starting bash: a bash costs 2-3 ms a job here, a C build runs a thousand of them.
// The result is the same: bash would only split the words and exec the command found along PATH.
namespace Lmake.Server.Backends;

public static class SimpleCommand
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "/bin/bash", "/bin/sh", "/usr/bin/bash", "bash", "sh" };

    // builtins and keywords: bash would not exec a program for these
    private static readonly HashSet<string> NotPrograms = new(StringComparer.Ordinal)
    {
        "cd", "echo", "exit", "test", "[", "[[", "true", "false", "set", "export", "exec", "eval", "source", ".", ":",
        "read", "printf", "alias", "unalias", "unset", "shift", "return", "trap", "wait", "ulimit", "umask", "type",
        "command", "builtin", "hash", "pwd", "kill", "let", "local", "declare", "typeset", "readonly", "getopts",
        "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "function",
        "time", "!", "{", "}", "select", "coproc", "history", "fc", "jobs", "bg", "fg", "disown", "suspend",
        "shopt", "enable", "mapfile", "readarray", "dirs", "pushd", "popd", "logout", "caller", "compgen",
        "complete", "compopt", "help", "times",
    };

    /// <summary>The words to exec instead of <paramref name="argv"/> (`SHELL -c SCRIPT`), or null when the
    /// script needs a shell.</summary>
    public static string[]? Direct(string[] argv)
    {
        if (argv.Length != 3 || argv[1] != "-c" || !Shells.Contains(argv[0])) return null;
        string script = argv[2].TrimEnd('\n', ' ', '\t');
        if (script.Length == 0) return null;
        foreach (char c in script)
            if (!IsPlain(c)) return null;
        string[] words = script.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || NotPrograms.Contains(words[0]) || words[0].Contains('=')) return null;
        foreach (string w in words)
            if (w[0] == '~') return null;   // tilde expansion
        return words;
    }

    // letters, digits, and the punctuation that bash gives no meaning to in a word
    private static bool IsPlain(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is ' ' or '\t' or '-' or '_' or '.' or '/' or '=' or '+' or ',' or ':' or '@' or '%' or '^' or '~';
}
