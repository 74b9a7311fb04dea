// Critical deps (critical_deps.md) as a user meets them: the collating job of a test suite declares its list
// critical, then the reports the list names in one lmake.depend call. A new list reruns the job before the reports
// of the old one are made again; the reports of one call are made together, not one run each.
namespace Lmake.EndToEnd.Tests;

public class CriticalDepTests
{
    private const string Rules = """
        import lmake
        from lmake.rules import Rule, PyRule
        class Report(Rule):
            target = r'{Name:\w+}.rpt'
            cmd    = 'echo report {Name} VERSION'
        class Suite(PyRule):
            target = 'suite'
            def cmd():
                lmake.depend('lst', read=True, critical=True)
                reports = [f'{n}.rpt' for n in open('lst').read().split()]
                lmake.depend(*reports, read=True, critical=True)
                for r in reports: print(open(r).read(), end='')
        """;

    [Fact]
    public void A_changed_critical_list_reruns_the_job_before_the_reports_it_named_last_time()
    {
        using var r = new LmakeRepo(Rules.Replace("VERSION", "1"));
        r.Repo.Add("lst", "t1 t2\n");
        LmakeOutput o = r.Lmake("suite");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        // both reports in one go: the job ran twice, not three times
        Assert.Equal(["may_rerun", "done"], o.Words("suite"));
        Assert.Equal("report t1 1\nreport t2 1\n", r.Repo.Read("suite"));

        // every report is out of date (new command), and the list names t1 and t3 now: t2 is not made again
        r.Repo.Add("Lmakefile.py", Rules.Replace("VERSION", "2"));
        r.Repo.Add("lst", "t1 t3\n");
        o = r.Lmake("suite");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Empty(o.Words("t2.rpt"));
        Assert.Equal(["done"], o.Words("t1.rpt"));
        Assert.Equal(["done"], o.Words("t3.rpt"));
        Assert.Equal("report t1 2\nreport t3 2\n", r.Repo.Read("suite"));
    }
}
