// Finds the repo a command works on (spec A1): the nearest directory, from the cwd upwards, holding
// Lmakefile.py or a package Lmakefile/ (with its __init__.py).
namespace Lmake.Common.Commands;

public static class RepoRoot
{
    /// <summary>The absolute repo root, or null when no directory up to / qualifies.</summary>
    public static string? Find(string cwd)
    {
        for (string? dir = Path.GetFullPath(cwd); dir != null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Lmakefile.py"))) return dir;
            if (File.Exists(Path.Combine(dir, "Lmakefile", "__init__.py"))) return dir;
        }
        return null;
    }

    public const string NotFoundMessage =
        "cannot find root dir: no Lmakefile.py (nor package Lmakefile/) in the current directory or above";
}
