// lmake -r N: a failed run is said (failed), then run again (retry), up to N times, for the error kinds its rule's
// retried_errors lists (by default a job's own error and a timeout).
namespace Lmake.EndToEnd.Tests;

public class RetryOnErrorTests
{
    private const string Failing = """
        from lmake.rules import Rule
        class Flaky(Rule):
            target = 'flaky.txt'
            cmd    = 'exit 3'
        class Firm(Rule):
            retried_errors = ('-job_error',)
            target = 'firm.txt'
            cmd    = 'exit 3'
        """;

    [Fact]
    public void EachFailedRunIsSaidThenRetried()
    {
        using var r = new LmakeRepo(Failing);
        LmakeOutput o = r.Lmake("-r", "2", "flaky.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal(["failed", "retry", "failed", "retry", "failed"], o.Words("flaky.txt"));
    }

    [Fact]
    public void AnErrorKindTheRuleDoesNotRetryIsNotRetried()
    {
        using var r = new LmakeRepo(Failing);
        LmakeOutput o = r.Lmake("-r", "2", "firm.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal(["failed"], o.Words("firm.txt"));
    }
}
