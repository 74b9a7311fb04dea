// What a job can ask of its own accesses (lmake_module.md: list_deps, list_targets, list_root, cp/mv/rm_target_tree;
// ldepend(1)/ltarget(1) -l with -z DIR and -X REGEXPR): names as the job would write them from its cwd, in the order
// seen, filtered by dir and by a regexpr on the listed name.
namespace Lmake.EndToEnd.Tests;

public class JobListingTests
{
    [Fact]
    public void PythonListingsAreTuplesFilteredByDirAndRegexpr()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import PyRule
            class Show(PyRule):
                targets = {'OUT': 'show', 'SIDE': r'side/{*:.*}'}
                def cmd():
                    for name in ('alpha', 'beta', 'side_src'): open(name).read()
                    open('side/one', 'w').write('1')
                    open('side/two', 'w').write('2')
                    print(lmake.list_deps(regexpr='[ab].*'), file=open(OUT, 'w'))
                    print(lmake.list_targets(dir='side'), lmake.list_targets(regexpr='.*two'), lmake.list_root('side'),
                          file=open(OUT, 'a'))
            """);
        r.Repo.Add("alpha", "a\n");
        r.Repo.Add("beta", "b\n");
        r.Repo.Add("side_src", "s\n");
        LmakeOutput o = r.Lmake("show");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("('alpha', 'beta')\n('side/one', 'side/two') ('side/two',) side/\n", r.Repo.Read("show"));
    }

    [Fact]
    public void ShellListingsTakeADirAndARegexprAndAreRelativeToTheCwd()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Show(Rule):
                targets = {'OUT': 'show', 'SUB': r'sub/{*:.*}'}
                cmd = '''
                    cat alpha beta > /dev/null
                    echo 1 > sub/one ; echo 2 > sub/two
                    ( ldepend -l -X 'b.*' ; ltarget -l -z sub ; cd sub && ltarget -l -X '.*two' ) > {OUT}
                '''
            """);
        r.Repo.Add("alpha", "a\n");
        r.Repo.Add("beta", "b\n");
        LmakeOutput o = r.Lmake("show");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("beta\nsub/one\nsub/two\ntwo\n", r.Repo.Read("show"));
    }

    [Fact]
    public void TargetTreesAreCopiedRemovedAndMovedWithinTheJob()
    {
        // the job looks at files it wrote itself: they are no target left there before it, it runs once
        using var r = new LmakeRepo("""
            import os
            import lmake
            from lmake.rules import PyRule
            class Tree(PyRule):
                targets = {'T': r'tree/{*:.*}'}
                def cmd():
                    os.makedirs('tree/d', exist_ok=True)
                    for name in ('tree/a1', 'tree/a2', 'tree/d/b'): open(name, 'w').write(name)
                    lmake.cp_target_tree('tree', 'copy', regexpr='tree/a.')
                    assert sorted(os.listdir('copy')) == ['a1', 'a2'] and os.path.exists('tree/a1')
                    lmake.rm_target_tree('tree', 'tree/d/.*')
                    assert not os.path.exists('tree/d')        # left empty: removed too
                    lmake.rm_target_tree('tree')
                    assert not os.path.exists('tree')
                    lmake.mv_target_tree('copy', 'tree')
                    assert not os.path.exists('copy')
            """);
        LmakeOutput o = r.Lmake("tree/a1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("tree/{*}"));
        Assert.Equal("tree/a1", r.Repo.Read("tree/a1"));
        Assert.Equal("tree/a2", r.Repo.Read("tree/a2"));
        Assert.False(File.Exists(r.Repo["tree/d/b"]));
        Assert.False(Directory.Exists(r.Repo["copy"]));
    }
}
