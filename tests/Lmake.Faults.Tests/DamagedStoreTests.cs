// A store file (or another file of LMAKE/) truncated, zeroed or with bytes flipped while no server runs (a bad disk
// block, a stray write): the next lmake either builds right or stops with exit 5 naming the file and advising
// lmake_repair -- never a stack trace, an internal error or a wrong result; after lmake_repair the build is right.
using System.Text.RegularExpressions;
using Lmake.EndToEnd.Tests;
using Xunit.Abstractions;

namespace Lmake.Faults.Tests;

public class DamagedStoreTests(ITestOutputHelper output)
{
    [Fact]
    public void DamageIsRefusedClearlyAndRepairedRight()
    {
        int rounds = FaultReport.Rounds(@short: 6);
        var random = new Random(4321);
        using var g = new FaultGraph(seed: 7);
        var problems = new List<string>();
        int refused = 0, built = 0;
        for (int round = 0; round < rounds; round++)
        {
            g.ChangeSomeSources();
            Assert.Equal(0, g.Repo.Lmake("final").Result.ExitCode);
            Assert.True(Processes.WaitServerGone(g.Repo.Repo, TimeSpan.FromSeconds(30)), "the server did not exit when idle");
            string file = Pick(g.Repo.Repo, random);
            string how = Damage(g.Repo.Repo[file], random);
            string what = $"round {round}: {file} {how}";
            LmakeOutput o = g.Repo.Lmake("final");
            string err = o.Result.Stderr;
            if (err.Contains("internal error") || Regex.IsMatch(err, @"^\s+at \S+\(", RegexOptions.Multiline) || err.Contains("Traceback"))
                problems.Add($"{what}: a crash instead of a message\n{o}");
            if (o.Result.ExitCode == 5)
            {
                refused++;
                if (!err.Contains(file) || !err.Contains("consider : lmake_repair")) problems.Add($"{what}: the message names no file or no remedy\n{o}");
                CommandResult repair = g.Repo.Repo.Run("lmake_repair");
                if (repair.ExitCode != 0) { problems.Add($"{what}: lmake_repair ended {repair.ExitCode}\n{repair}"); continue; }
                o = g.Repo.Lmake("final");
            }
            else built++;
            if (o.Result.ExitCode != 0) problems.Add($"{what}: the build ended {o.Result.ExitCode}\n{o}");
            foreach (string t in g.WrongTargets()) problems.Add($"{what}: {t} is wrong");
            foreach (string s in g.LostSources()) problems.Add($"{what}: source {s} lost");
            LmakeOutput after = g.Repo.Lmake("final");
            if (after.Result.ExitCode != 0 || after.Jobs.Any()) problems.Add($"{what}: the next build was no no-op\n{after}");
        }
        FaultReport.Write(output, $"damaged LMAKE/ files: {rounds} rounds, refused with exit 5 then repaired: {refused}, " +
            $"built right at once: {built}; crashes, wrong results or lost files: {problems.Count}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>A file of the store, or the job records or the saved rules: the name relative to the repo.</summary>
    private static string Pick(TempRepo repo, Random random)
    {
        var files = Directory.GetFiles(repo["LMAKE/store"]).Select(f => "LMAKE/store/" + Path.GetFileName(f)).ToList();
        foreach (string other in new[] { "LMAKE/job_infos", "LMAKE/makefiles.json" })
            if (File.Exists(repo[other])) files.Add(other);
        files.Sort(StringComparer.Ordinal);
        return files[random.Next(files.Count)];
    }

    /// <summary>Truncates, zeroes a range of, or flips bytes of the file: what was done.</summary>
    private static string Damage(string path, Random random)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) { File.WriteAllText(path, "garbage"); return "written over"; }
        switch (random.Next(3))
        {
            case 0:
                int keep = random.Next(bytes.Length);
                File.WriteAllBytes(path, bytes[..keep]);
                return $"truncated to {keep} of {bytes.Length} bytes";
            case 1:
                int at = random.Next(bytes.Length), n = Math.Min(1 + random.Next(256), bytes.Length - at);
                Array.Clear(bytes, at, n);
                File.WriteAllBytes(path, bytes);
                return $"zeroed at {at} for {n} bytes";
            default:
                int flips = 1 + random.Next(8);
                for (int i = 0; i < flips; i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 + random.Next(255));
                File.WriteAllBytes(path, bytes);
                return $"{flips} bytes flipped";
        }
    }
}
