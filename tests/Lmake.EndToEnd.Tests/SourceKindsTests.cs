// The kinds of sources a job reads and how each is said (execution.md `new`, rule_selection.md, sources in
// lmake_module.md): a source dir outside the repo named relatively (`../dir/`) or absolutely, each file of it a dep
// whose first use is `new`; a file below a source dir that is gone no longer makes a rule apply; a file a SourceRule
// matches that a job wrote with source_ok is the job's new source content, not a new source.
namespace Lmake.EndToEnd.Tests;

public class SourceKindsTests
{
    // Cat: X.cpy from the sources below the source dir given by {0} (X.src as static dep, X2.src read by the job);
    // Dflt, of lower prio, when those are not there
    private static string CopyFromDir(string dir) => $$"""
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', '{{dir}}')
        class Cat(Rule):
            target = r'{File:.*}.cpy'
            dep    = '{{dir}}{File}.src'
            cmd    = 'cat - {{dir}}{File}2.src'
        class Dflt(Rule):
            prio   = -1
            target = r'{File:.*}.cpy'
            cmd    = 'echo dflt'
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Files_of_a_source_dir_outside_the_repo_are_new_then_followed(bool relative)
    {
        using var outside = new TempDir("lmake-srcs-");
        outside.Write("a.src", "a\n");
        outside.Write("a2.src", "a2\n");
        using var r = new LmakeRepo("");
        string dir = (relative ? Path.GetRelativePath(r.Repo.Path, outside.Path) : outside.Path) + "/";
        r.Repo.Add("Lmakefile.py", CopyFromDir(dir));

        LmakeOutput first = r.Lmake("a.cpy");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        // both files, the static dep and the one the job read, by the name the Lmakefile gives their dir
        Assert.Equal(["new"], first.Words(dir + "a.src"));
        Assert.Equal(["new"], first.Words(dir + "a2.src"));
        Assert.Equal("a\na2\n", r.Repo.Read("a.cpy"));

        // the file the job read is a dep: its change reruns the job
        outside.Write("a2.src", "a2 again\n");
        LmakeOutput second = r.Lmake("a.cpy");
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Equal(["done"], second.Words("a.cpy"));
        Assert.Equal("a\na2 again\n", r.Repo.Read("a.cpy"));
    }

    [Fact]
    public void A_rule_whose_static_dep_left_its_source_dir_no_longer_applies()
    {
        using var r = new LmakeRepo(CopyFromDir("local/"));
        r.Repo.Write("local/a.src", "a\n");
        r.Repo.Write("local/a2.src", "a2\n");
        Assert.Equal(["done"], r.Lmake("a.cpy").Words("a.cpy"));

        // the same server: the file gone, the lower prio rule makes it
        File.Delete(r.Repo["local/a.src"]);
        LmakeOutput o = r.Lmake("a.cpy");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(o.Jobs, s => s.Word == "done" && s.Rule == "Dflt" && s.Name == "a.cpy");
        Assert.Equal("dflt\n", r.Repo.Read("a.cpy"));
    }

    [Fact]
    public void A_SourceRule_file_a_job_wrote_with_source_ok_is_not_new()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule, SourceRule
            lmake.manifest = ('Lmakefile.py',)
            class Gen(SourceRule):
                target = r'{File:.*}.gen'
            class Cpy(Rule):
                target = r'{File:.*}.cpy'
                dep    = '{File}'
                cmd    = 'cat'
            class Test(Rule):
                target       = 'test'
                side_targets = {'G': (r'{*:.*}.gen', 'source_ok')}
                cmd = 'echo x > x.gen ; cat x.gen.cpy'
            """);
        LmakeOutput o = r.Lmake("test");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Empty(o.Words("x.gen"));
        Assert.Equal(["done"], o.Words("x.gen.cpy"));
        Assert.Equal("x\n", r.Repo.Read("test"));
    }
}
