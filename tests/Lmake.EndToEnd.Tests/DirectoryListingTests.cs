// Listing a dir of the repo in a job (execution.md, "Reading a dir"): an error unless allowed (readdir_ok in the
// rule, ldepend -D), the repo root included, whatever lists it (ls, glob(3) in a C program, python's os.listdir).
// Python's own imports list the dirs of sys.path: a PyRule, or a python started from a shell cmd, is allowed to.
namespace Lmake.EndToEnd.Tests;

public class DirectoryListingTests
{
    [Fact]
    public void ListingTheRepoRootNeedsItToBeAllowed()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Bare(Rule):
                target = 'bare.list'
                cmd    = 'ls > /dev/null'
            class Declared(Rule):
                target = 'declared.list'
                cmd    = 'ldepend -D . ; ls > /dev/null'
            class ByRule(Rule):
                target     = 'rule.list'
                readdir_ok = True
                cmd        = 'ls > /dev/null'
            """);
        LmakeOutput o = r.Lmake("bare.list", "declared.list", "rule.list");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal(["failed"], o.Words("bare.list"));
        Assert.Contains("  readdir of . without readdir_ok", o.Other);
        Assert.Equal(["done"], o.Words("declared.list"));
        Assert.Equal(["done"], o.Words("rule.list"));
    }

    [Fact]
    public void AReaddirOkSideDepAllowsListingTheDirItNames()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Top(Rule):
                target    = 'all.top'
                side_deps = {'TOP': ('.', 'readdir_ok')}
                cmd       = 'ls > /dev/null ; echo > all.top'
            class Sub(Rule):
                target    = r'{D:\w+}.sub'
                side_deps = {'DIR': ('{D}', 'readdir_ok')}
                cmd       = 'ls {D} > /dev/null ; echo > {D}.sub'
            class Other(Rule):
                target    = r'{D:\w+}.other'
                side_deps = {'DIR': ('elsewhere', 'readdir_ok')}
                cmd       = 'ls {D} > /dev/null ; echo > {D}.other'
            """);
        r.Repo.Write("d/x", "");
        LmakeOutput o = r.Lmake("all.top", "d.sub", "d.other");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal(["done"], o.Words("all.top"));
        Assert.Equal(["done"], o.Words("d.sub"));
        Assert.Equal(["failed"], o.Words("d.other"));
        Assert.Contains("  readdir of d without readdir_ok", o.Other);
    }

    [Fact]
    public void GlobInACProgramIsAListing()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Build(Rule):
                targets = {'EXE': 'globber'}
                deps    = {'SRC': 'globber.c'}
                cmd     = 'gcc -o {EXE} -xc {SRC}'
            class Use(Rule):
                target = r'use.{Ok:ok|ko}'
                dep    = 'globber'
                cmd    = '[ {Ok} = ok ] && ldepend -D d ; ./globber'
            """);
        r.Repo.Add("globber.c", """
            #include <glob.h>
            int main(void) { glob_t g; if (glob("d/*", 0, 0, &g) == 0) globfree(&g); return 0; }
            """);
        r.Repo.Write("d/x", "");
        LmakeOutput o = r.Lmake("use.ok", "use.ko");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal(["done"], o.Words("use.ok"));
        Assert.Equal(["failed"], o.Words("use.ko"));
        Assert.Contains("  readdir of d without readdir_ok", o.Other);
    }

    [Fact]
    public void PythonImportsMayListTheDirsTheyLookIn()
    {
        // a python cmd with its own PYTHONPATH, and a python started by a shell cmd: both import from the repo
        using var r = new LmakeRepo("""
            from lmake.rules import Rule, PyRule
            class Direct(PyRule):
                target  = 'direct'
                environ = {'PYTHONPATH': 'lib'}
                def cmd():
                    import pkg.mod
                    import lib.pkg.mod
                    open('direct', 'w').write(f'{pkg.mod.VALUE}\n')
            class FromShell(PyRule):
                target = 'from_shell'
                cmd    = "python3 -c 'import lib.pkg.mod as m; print(m.VALUE)' > from_shell"
            """);
        r.Repo.Add("lib/pkg/mod.py", "VALUE = 42\n");
        LmakeOutput o = r.Lmake("direct", "from_shell");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("direct"));
        Assert.Equal(["done"], o.Words("from_shell"));
        Assert.Equal("42\n", r.Repo.Read("direct"));
        Assert.Equal("42\n", r.Repo.Read("from_shell"));
        Assert.Equal(["new"], o.Words("lib/pkg/mod.py"));
    }
}
