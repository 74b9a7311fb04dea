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

    /// <summary>After an unclean stop (the server killed while idle: no seal), a few bytes flipped in a page of a store
    /// file below its committed size, or in its page sums: the next lmake ends 5 naming the file with `consider :
    /// lmake_repair` (the page sums find it), `lmake_repair --check` says the same, and after lmake_repair the build
    /// is right and `lmake_repair --check` says the store is sound.</summary>
    [Fact]
    public void DamageAfterAKillIsFoundByThePageSums()
    {
        int rounds = FaultReport.Rounds(@short: 4);
        var random = new Random(8765);
        using var g = new FaultGraph(seed: 11);
        var keepServer = new Dictionary<string, string?> { ["LMAKE_SERVER_IDLE_MS"] = "60000" };
        var problems = new List<string>();
        int found = 0;
        for (int round = 0; round < rounds; round++)
        {
            g.ChangeSomeSources();
            CommandResult build = Installed.Run(Installed.Bin("lmake"), ["final"], g.Repo.Repo.Path, keepServer);
            Assert.True(build.ExitCode == 0, build.ToString());
            // killed between two requests: every page written has its sum (the end of a request is a checkpoint)
            Processes.Kill9(Processes.ServerPid(g.Repo.Repo)!.Value);
            Assert.True(Processes.WaitServerGone(g.Repo.Repo, TimeSpan.FromSeconds(30)), "the killed server is still there");
            Assert.False(File.Exists(g.Repo.Repo["LMAKE/store/seal"]), "a killed server left a seal");
            string file = PickPaged(g.Repo.Repo, random);
            string how = FlipInOnePage(g.Repo.Repo[file], random);
            string what = $"round {round}: {file} {how}";
            LmakeOutput o = g.Repo.Lmake("final");
            string err = o.Result.Stderr;
            string named = Path.GetFileName(file).Replace(".sums", "");
            if (err.Contains("internal error") || Regex.IsMatch(err, @"^\s+at \S+\(", RegexOptions.Multiline))
                problems.Add($"{what}: a crash instead of a message\n{o}");
            if (o.Result.ExitCode != 5 || !err.Contains(named) || !err.Contains("consider : lmake_repair"))
            {
                problems.Add($"{what}: not refused with exit 5 naming the file and lmake_repair\n{o}");
                continue;
            }
            found++;
            CommandResult check = g.Repo.Repo.Run("lmake_repair", "--check");
            if (check.ExitCode != 5 || !check.Stderr.Contains(named)) problems.Add($"{what}: lmake_repair --check did not say it (exit {check.ExitCode})\n{check}");
            CommandResult repair = g.Repo.Repo.Run("lmake_repair");
            if (repair.ExitCode != 0) { problems.Add($"{what}: lmake_repair ended {repair.ExitCode}\n{repair}"); continue; }
            o = g.Repo.Lmake("final");
            if (o.Result.ExitCode != 0) problems.Add($"{what}: the build after lmake_repair ended {o.Result.ExitCode}\n{o}");
            foreach (string t in g.WrongTargets()) problems.Add($"{what}: {t} is wrong");
            foreach (string s in g.LostSources()) problems.Add($"{what}: source {s} lost");
            Assert.True(Processes.WaitServerGone(g.Repo.Repo, TimeSpan.FromSeconds(30)), "the server did not exit when idle");
            CommandResult sound = g.Repo.Repo.Run("lmake_repair", "--check");
            if (sound.ExitCode != 0 || !sound.Stdout.Contains("is sound")) problems.Add($"{what}: lmake_repair --check after the repair\n{sound}");
        }
        FaultReport.Write(output, $"damage after a kill -9 (no seal): {rounds} rounds, found by the page sums (exit 5, file named) {found}, " +
            $"then repaired; misses, crashes, wrong results or lost files: {problems.Count}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>A store file with page sums, or its sums file (the name indexes, derived, are rebuilt rather than checked).</summary>
    private static string PickPaged(TempRepo repo, Random random)
    {
        var files = Directory.GetFiles(repo["LMAKE/store"]).Select(Path.GetFileName)
            .Where(f => File.Exists(repo[$"LMAKE/store/{f}.sums"]) || f!.EndsWith(".sums", StringComparison.Ordinal))
            .Select(f => "LMAKE/store/" + f).Order(StringComparer.Ordinal).ToList();
        return files[random.Next(files.Count)];
    }

    /// <summary>Flips 1 to 8 bytes of one page that has a sum, below the committed size (a store file), or of the header
    /// and the sums of the pages in use (a sums file): what was done. (A page written since the last checkpoint has
    /// no sum: damage there is not what the sums can tell, see src/store/PageSums.cs.)</summary>
    private static string FlipInOnePage(string path, Random random)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bool sumsFile = path.EndsWith(".sums", StringComparison.Ordinal);
        byte[] sums = File.ReadAllBytes(sumsFile ? path : path + ".sums");
        long used = BitConverter.ToInt64(sumsFile ? File.ReadAllBytes(path[..^".sums".Length]) : bytes, 16);
        int pages = (int)((used + 4095) / 4096);
        int limit = sumsFile ? 64 + 8 * pages : (int)used;
        var candidates = Enumerable.Range(0, (limit + 4095) / 4096)
            .Where(p => sumsFile || BitConverter.ToUInt64(sums, 64 + 8 * p) != 0).ToList();
        Assert.True(candidates.Count > 0, $"{path}: no page has a sum after a checkpoint");
        int page = candidates[random.Next(candidates.Count)];
        int start = page * 4096, end = Math.Min(limit, start + 4096);
        int flips = 1 + random.Next(8);
        for (int i = 0; i < flips; i++) bytes[start + random.Next(end - start)] ^= (byte)(1 + random.Next(255));
        File.WriteAllBytes(path, bytes);
        return $"{flips} bytes flipped in page {page}";
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
