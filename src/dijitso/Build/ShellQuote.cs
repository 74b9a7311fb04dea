// Quotes words for a POSIX shell, for the build log and recompile.sh (which must reproduce the command exactly).
namespace Dijitso.Build;

public static class ShellQuote
{
    public static string Word(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=,+:@%".Contains(c))) return word;
        return "'" + word.Replace("'", "'\\''") + "'";
    }

    public static string Line(IEnumerable<string> words) => string.Join(' ', words.Select(Word));
}
