// The index and the plans at volume: 200,000 lookups, 20,000 native plans, 2,000 batched helper plans give the
// right answers. Their rates are printed for a reader of the test log, never asserted: machines are shared
// and noisy, speed is measured by the benchmarks under bench/.
using System.Diagnostics;
using Lmake.Server.Rules;
using Xunit.Abstractions;

namespace Lmake.Rules.Tests;

public class ThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public void IndexAndPlansHoldAtVolume()
    {
        var lmakefile = new System.Text.StringBuilder("import lmake\nfrom lmake.rules import Rule\nlmake.manifest = ('Lmakefile.py',)\n" +
            "def dec(d): return str(int(d) - 1)\n");
        for (int r = 0; r < 200; r++)
            lmakefile.Append($"class R{r}(Rule):\n    target = r'{{File:.*}}.ext{r}'\n    dep = '{{File}}.src{r}'\n    cmd = 'cc {{File}}'\n");
        lmakefile.Append("class Dyn(Rule):\n    target = r'{File:.*}.dyn{D:\\d}'\n    dep = '{File}.dyn{dec(D)}'\n    cmd = 'cp'\n");
        using var repo = new LmakefileRepo(lmakefile.ToString());
        var sw = Stopwatch.StartNew();
        Makefiles m = repo.Read();
        output.WriteLine($"read 201 rules: {sw.ElapsedMilliseconds} ms");
        var index = new RuleIndex(m.Rules);

        sw.Restart();
        int found = 0;
        const int lookups = 200_000;
        for (int i = 0; i < lookups; i++) found += index.Candidates($"dir{i % 100}/file{i}.ext{i % 250}").Count;
        double lookupRate = lookups / sw.Elapsed.TotalSeconds;
        output.WriteLine($"index: {lookupRate:F0} lookups/s ({found} matches)");
        Assert.Equal(lookups / 250 * 200, found);

        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        var natives = Enumerable.Range(0, 20_000).Select(i => index.Candidates($"f{i}.ext{i % 200}")[0]).ToList();
        sw.Restart();
        IReadOnlyList<JobPlan> plans = evaluator.PlanMany(natives);
        double nativeRate = natives.Count / sw.Elapsed.TotalSeconds;
        output.WriteLine($"native plans: {nativeRate:F0} plans/s");
        Assert.Equal("f7.src7", plans[7].StdinDep);

        var dynamics = Enumerable.Range(0, 2_000).Select(i => index.Candidates($"g{i}.dyn{1 + i % 9}")[0]).ToList();
        evaluator.Plan(dynamics[0]);                      // start the helper outside the measure
        sw.Restart();
        plans = evaluator.PlanMany(dynamics);
        double helperRate = dynamics.Count / sw.Elapsed.TotalSeconds;
        output.WriteLine($"helper plans (batched): {helperRate:F0} plans/s");
        Assert.Equal("g10.dyn1", plans[10].StdinDep);
    }
}
