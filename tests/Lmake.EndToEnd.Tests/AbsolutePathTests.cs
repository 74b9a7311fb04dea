// check_abs_paths (rules.md): with the attribute, a target holding the repo's absolute path (in its content, or
// as a symlink's text) fails its job; without it, or with relative paths only, the job is fine.
namespace Lmake.EndToEnd.Tests;

public class AbsolutePathTests
{
    private const string Rules = """
        from lmake.rules import Rule
        class Where(Rule):
            check_abs_paths = CHECK
            targets = {'OUT': 'where', 'LNK': 'lnk'}
            cmd     = 'pwd > {OUT} ; ln -s elsewhere {LNK}'
        class Rel(Rule):
            check_abs_paths = True
            targets = {'OUT': 'rel', 'LNK': 'rel_lnk'}
            cmd     = 'echo . > {OUT} ; ln -s rel {LNK}'
        """;

    [Fact]
    public void A_target_holding_the_repo_path_fails_its_job_when_checked()
    {
        using var r = new LmakeRepo(Rules.Replace("CHECK", "True"));
        LmakeOutput o = r.Lmake("where", "rel");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("failed", "Where", "where"), o.Statuses);
        Assert.Contains(new Status("done", "Rel", "rel"), o.Statuses);
    }

    [Fact]
    public void Without_the_attribute_the_repo_path_in_a_target_is_fine()
    {
        using var r = new LmakeRepo(Rules.Replace("CHECK", "False"));
        LmakeOutput o = r.Lmake("where");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
    }
}
