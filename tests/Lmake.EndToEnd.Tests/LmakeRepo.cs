// A temporary git repo with an Lmakefile.py, driven with the installed lmake as a user would.
namespace Lmake.EndToEnd.Tests;

public sealed class LmakeRepo : IDisposable
{
    /// <summary>One rule: `X.copy` is a copy of the source `X`.</summary>
    public const string CopyLmakefile = """
        from lmake.rules import Rule
        class Copy(Rule):
            targets = {'DST': r'{F:.*}.copy'}
            deps    = {'SRC': '{F}'}
            cmd     = 'cat {SRC} > {DST}'
        """;

    public LmakeRepo(string lmakefile)
    {
        Repo.Add("Lmakefile.py", lmakefile);
    }

    public TempRepo Repo { get; } = new();

    public LmakeOutput Lmake(params string[] args) => new(Repo.Run("lmake", args));

    public void Dispose()
    {
        // the server exits by itself when idle; a test that failed mid-way must not leave one behind
        string serverFile = Repo["LMAKE/server"];
        if (File.Exists(serverFile))
        {
            string[] lines = File.ReadAllLines(serverFile);
            if (lines.Length > 1 && int.TryParse(lines[1], out int pid))
                try { System.Diagnostics.Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        }
        Repo.Dispose();
    }
}
