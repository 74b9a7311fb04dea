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

    /// <summary>The hello example of spec A2: compile, link, run (a PyRule).</summary>
    public const string HelloLmakefile = """
        import lmake
        from lmake.rules import Rule, PyRule

        class Compile(Rule):
            targets = {'OBJ': r'{File:.*}.o'}
            deps    = {'SRC': '{File}.c'}
            cmd     = 'gcc -c -Iinc1 -Iinc2 -o {OBJ} {SRC}'

        class Link(Rule):
            targets = {'EXE': r'{File:.*}.exe'}
            deps    = {'OBJ': '{File}.o'}
            cmd     = 'gcc -o {EXE} {OBJ}'

        class Run(PyRule):
            target = r'{File:.*}.out'
            deps   = {'EXE': '{File}.exe'}
            def cmd():
                import subprocess
                print(subprocess.run(['./' + EXE], capture_output=True, text=True).stdout, end='')
        """;

    public LmakeRepo(string lmakefile)
    {
        Repo.Add("Lmakefile.py", lmakefile);
    }

    public TempRepo Repo { get; } = new();

    public LmakeOutput Lmake(params string[] args) => new(Repo.Run("lmake", args));

    public void Dispose()
    {
        Repo.KillServer();
        Repo.Dispose();
    }
}
