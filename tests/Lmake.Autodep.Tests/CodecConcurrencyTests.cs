// 10,000 lencode calls from 2,000 processes of 20 concurrent lautodep jobs on one codec table: every code
// decodes back to its value, each value got one code, and the table file holds each entry once.
using System.Diagnostics;
using Xunit.Abstractions;

namespace Lmake.Autodep.Tests;

public class CodecConcurrencyTests(ITestOutputHelper output)
{
    private const int Jobs = 20, ProcessesPerJob = 100, CallsPerProcess = 5, DistinctValues = 2_500;

    [Fact]
    public async Task Ten_thousand_concurrent_lencode_calls_lose_no_entry()
    {
        using var repo = new TempRepo();
        // Each job starts 100 subshells (10 at a time: 2,000 .NET processes at once would not fit in memory),
        // each of which encodes 5 values; every value is encoded by 4 different processes of different jobs.
        string Script(int job) =>
            $"for p in $(seq 0 {ProcessesPerJob - 1}); do echo $p; done | xargs -P 10 -I P bash -c '" +
            $"for i in $(seq 0 {CallsPerProcess - 1}); do v=$(( ((({job} * {ProcessesPerJob}) + P) * {CallsPerProcess} + i) % {DistinctValues} )); " +
            "c=$(printf \"value $v\" | lencode -t codes -x ctx -l 2) || exit 1; echo \"V $v $c\"; done'";
        var watch = Stopwatch.StartNew();
        var runs = Enumerable.Range(0, Jobs).Select(j => Task.Run(() =>
            InstalledTree.Run(InstalledTree.Lautodep, ["-m", "none", "bash", "-c", $"export PATH={Path.Combine(InstalledTree.Root, "bin")}:$PATH; {Script(j)}"],
                repo.Path, TimeSpan.FromMinutes(8)))).ToList();
        RunResult[] results = await Task.WhenAll(runs);
        output.WriteLine($"{Jobs * ProcessesPerJob * CallsPerProcess} lencode calls in {watch.Elapsed.TotalSeconds:F1} s");

        var codeOf = new Dictionary<string, string>();
        int calls = 0;
        foreach (RunResult r in results)
        {
            Assert.True(r.ExitCode == 0, r.ToString());
            foreach (string line in r.Stdout.Split('\n'))
            {
                if (!line.StartsWith("V ", StringComparison.Ordinal)) continue;
                string[] f = line.Split(' ');
                calls++;
                string value = "value " + f[1];
                if (codeOf.TryGetValue(value, out string? code)) Assert.Equal(code, f[2]);
                else codeOf[value] = f[2];
            }
        }
        Assert.Equal(Jobs * ProcessesPerJob * CallsPerProcess, calls);
        Assert.Equal(DistinctValues, codeOf.Count);
        Assert.Equal(DistinctValues, codeOf.Values.Distinct().Count());
        foreach (var (value, code) in codeOf) Assert.Equal(value, CodecTable.Decode(repo["codes"], "ctx", code));
        string[] lines = File.ReadAllText(repo["codes"]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(DistinctValues, lines.Length);
        Assert.Equal(DistinctValues, CodecFile.Load(repo["codes"], out _).Count);
        // and back through ldecode, in a job
        var some = codeOf.Take(20).ToList();
        var check = InstalledTree.Run(InstalledTree.Lautodep, ["-m", "none", "bash", "-c",
            string.Join("; ", some.Select(kv => $"{Path.Combine(InstalledTree.Root, "bin", "ldecode")} -t codes -x ctx -c {kv.Value}; echo"))], repo.Path);
        Assert.StartsWith(string.Join("", some.Select(kv => kv.Key + "\n")), check.Stdout);
    }
}
