// Deterministic paths shaped like a real source tree: 3 to 8 components, directories shared by many files
// (a 7-level directory tree with about 16 files per directory), component names of 5 to 30 characters made
// of word-like syllables, files with a source extension, whole paths of 60 to 120 characters.
using System.Text;

namespace Lmake.Store.Bench;

public sealed class SourceTreePaths
{
    private static readonly string[] Syllables =
    [
        "ab", "ac", "al", "an", "ar", "as", "at", "ba", "be", "bo", "ca", "ce", "ch", "co", "cu", "da", "de",
        "di", "do", "el", "en", "er", "ex", "fa", "fi", "fo", "ge", "gr", "ha", "he", "in", "io", "is", "ke",
        "la", "le", "li", "lo", "ma", "me", "mi", "mo", "na", "ne", "no", "ob", "op", "or", "pa", "pe", "pr",
        "qu", "ra", "re", "ri", "ro", "sa", "se", "si", "st", "ta", "te", "ti", "to", "tr", "ty", "un", "ur",
        "va", "ve", "vi", "wa", "xe", "yo", "ze",
    ];
    private static readonly string[] Extensions = [".c", ".h", ".cc", ".hh", ".cpp", ".py", ".rs", ".go", ".txt", ".json", ".md", ".S"];

    // Directories per level for 1,000,000 files (about 16 files per directory), scaled to the count asked.
    private static readonly int[] DirectoriesPerLevel = [12, 150, 1_500, 6_000, 15_000, 20_000, 20_000];

    private readonly Random _random;
    private readonly HashSet<string> _seen = new();

    /// <summary>Directories that hold files (levels 2..7), plus their parents.</summary>
    public int DirectoryCount { get; private set; }

    public SourceTreePaths(int seed) => _random = new Random(seed);

    public List<string> Generate(int count)
    {
        // The directory tree first: each level's directories hang below random directories of the level above.
        var levels = new List<List<string>>();
        var names = new HashSet<string>();
        for (int level = 0; level < DirectoriesPerLevel.Length; level++)
        {
            int wanted = Math.Max(1, (int)((long)DirectoriesPerLevel[level] * count / 1_000_000));
            var directories = new List<string>(wanted);
            while (directories.Count < wanted)
            {
                string name = Name(isFile: false, 5, 30)!;
                string path = level == 0 ? name : levels[level - 1][_random.Next(levels[level - 1].Count)] + "/" + name;
                if (names.Add(path)) directories.Add(path);
            }
            levels.Add(directories);
        }
        var holding = levels.Skip(1).SelectMany(l => l).ToList(); // levels 2..7: files are 3..8 components deep
        DirectoryCount = names.Count;

        var paths = new List<string>(count);
        while (paths.Count < count)
        {
            string directory = holding[_random.Next(holding.Count)];
            int shortest = Math.Max(5, 60 - directory.Length - 1), longest = Math.Min(30, 120 - directory.Length - 1);
            if (shortest > longest) continue;
            string? file = Name(isFile: true, shortest, longest);
            if (file != null && _seen.Add(directory + "/" + file)) paths.Add(directory + "/" + file);
        }
        return paths;
    }

    private string? Name(bool isFile, int minLength, int maxLength)
    {
        var text = new StringBuilder();
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            text.Clear();
            int words = _random.Next(1, 4);
            for (int w = 0; w < words; w++)
            {
                if (w > 0) text.Append(_random.Next(3) == 0 ? '-' : '_');
                int syllables = _random.Next(2, 5);
                for (int s = 0; s < syllables; s++) text.Append(Syllables[_random.Next(Syllables.Length)]);
            }
            if (isFile) text.Append(Extensions[_random.Next(Extensions.Length)]);
            if (text.Length >= minLength && text.Length <= maxLength) return text.ToString();
        }
        return null;
    }
}
