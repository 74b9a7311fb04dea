// The disk full during a build, and a repo on a read-only file system (a tmpfs of the test's own, SmallDisk).
// Disk full: the build ends 0 (it had room) or 10 with one line saying the device is full -- never an internal error
// or a stack trace; once room is given back the next lmake ends 0 with every target right (a target torn by the
// full disk was not taken as done) and the one after runs nothing. Read-only: exit 7 and a line saying so, for a
// repo built before and for one never built; writable again, the build is right.
using System.Text.RegularExpressions;
using Lmake.EndToEnd.Tests;
using Xunit.Abstractions;

namespace Lmake.Faults.Tests;

public class FullDiskTests(ITestOutputHelper output)
{
    private const int Targets = 8;
    private const int TargetBytes = 200_000;
    private static readonly string[] All = [.. Enumerable.Range(1, Targets).Select(i => $"big{i}")];

    // each target: the source, then its number repeated (a torn one is shorter than it must be)
    private static readonly string Lmakefile = $$"""
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', 'src')
        class Big(Rule):
            target = r'big{N:\d+}'
            dep    = 'src'
            cmd    = 'cat ; yes {N} | head -c {{TargetBytes}}'
        """;

    private static string Expected(string source, int i)
    {
        string line = $"{i}\n";
        var repeated = new System.Text.StringBuilder();
        while (repeated.Length < TargetBytes) repeated.Append(line);
        return source + repeated.ToString(0, TargetBytes);
    }

    private static CommandResult Lmake(SmallDisk disk, params string[] args) =>
        Installed.Run(Installed.Bin("lmake"), args, disk.Path, timeout: TimeSpan.FromMinutes(2));

    private static bool Crashed(CommandResult r) =>
        r.Stderr.Contains("internal error") || r.Stdout.Contains("internal error")
        || Regex.IsMatch(r.Stderr, @"^\s+at \S+\(", RegexOptions.Multiline) || r.Stderr.Contains("Traceback");

    private static void NewRepo(SmallDisk disk, string source)
    {
        File.WriteAllText(disk["Lmakefile.py"], Lmakefile);
        File.WriteAllText(disk["src"], source);
        foreach (string[] git in new[] { new[] { "init", "-q" }, ["add", "Lmakefile.py", "src"] })
            Assert.Equal(0, Installed.Run("git", git, disk.Path).ExitCode);
    }

    private static List<string> WrongTargets(SmallDisk disk, string source) =>
        Enumerable.Range(1, Targets).Where(i => !File.Exists(disk[$"big{i}"]) || File.ReadAllText(disk[$"big{i}"]) != Expected(source, i))
            .Select(i => $"big{i}").ToList();

    private static void StopServer(SmallDisk disk)
    {
        if (Processes.ServerPid(disk.Path) is int pid) Processes.Kill9(pid);
        Processes.WaitServerGone(disk.Path, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void AFullDiskIsSaidAndTheNextBuildIsRight()
    {
        int rounds = FaultReport.Rounds(@short: 4);
        var random = new Random(2026);
        using var disk = new SmallDisk(8L << 20);
        string source = "source 0\n";
        NewRepo(disk, source);
        var problems = new List<string>();
        int full = 0, fullRemoved = 0, built = 0;
        for (int round = 0; round < rounds; round++)
        {
            disk.GiveBackRoom();
            source = $"source {round} {random.Next()}\n";
            File.WriteAllText(disk["src"], source);   // every target has to be made again
            // half the rounds without the old targets, whose removal by the rerun would have given room back: the
            // disk stays full while the jobs write, and while the server records their ends
            bool removed = round % 2 == 1;
            if (removed) foreach (string t in All) File.Delete(disk[t]);
            // from no room at all to room for most of the targets
            long left = random.Next(4) == 0 ? random.Next(64 * 1024) : random.Next(Targets * TargetBytes);
            disk.FillLeaving(left);
            string what = $"round {round} ({left} bytes left{(removed ? ", old targets removed" : "")})";
            CommandResult r = Lmake(disk, All);
            if (Crashed(r)) problems.Add($"{what}: a crash instead of a message\n{r}");
            if (r.ExitCode == 10)
            {
                full++;
                if (removed) fullRemoved++;
                if (!r.Stderr.Contains("no space left on the device")) problems.Add($"{what}: exit 10 without saying the disk is full\n{r}");
            }
            else if (r.ExitCode == 0) built++;
            else problems.Add($"{what}: the build on a full disk ended {r.ExitCode} (0 or 10 expected)\n{r}");
            disk.GiveBackRoom();
            CommandResult next = Lmake(disk, All);
            if (next.ExitCode != 0) problems.Add($"{what}: with room again, lmake ended {next.ExitCode}\n{next}");
            foreach (string t in WrongTargets(disk, source)) problems.Add($"{what}: {t} is wrong after the disk had room again");
            var after = new LmakeOutput(Lmake(disk, All));
            if (after.Result.ExitCode != 0 || after.Jobs.Any()) problems.Add($"{what}: the build after was no no-op\n{after}");
        }
        StopServer(disk);
        FaultReport.Write(output, $"disk full: {rounds} rounds, said full (exit 10) {full} ({fullRemoved} of them with the old targets removed), built in the room left {built}; " +
            $"crashes, wrong results or torn targets taken as done: {problems.Count}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void AReadOnlyRepoIsSaidInOneLine()
    {
        using var disk = new SmallDisk(8L << 20);
        string source = "source ro\n";
        NewRepo(disk, source);
        var problems = new List<string>();
        // never built: no LMAKE/ can be made
        disk.ReadOnly(true);
        try { Check("a repo never built", Lmake(disk, All)); }
        finally { disk.ReadOnly(false); }
        Assert.False(Directory.Exists(disk["LMAKE"]));
        // built, its server gone: nothing can be written
        Assert.Equal(0, Lmake(disk, All).ExitCode);
        StopServer(disk);
        disk.ReadOnly(true);
        try
        {
            Check("a built repo", Lmake(disk, All));
            Check("a built repo, a target asked by name", Lmake(disk, "big1"));
        }
        finally { disk.ReadOnly(false); }
        // writable again: the sources changed meanwhile are built right
        source = "source rw\n";
        File.WriteAllText(disk["src"], source);
        CommandResult again = Lmake(disk, All);
        if (again.ExitCode != 0) problems.Add($"writable again, lmake ended {again.ExitCode}\n{again}");
        foreach (string t in WrongTargets(disk, source)) problems.Add($"writable again: {t} is wrong");
        StopServer(disk);
        FaultReport.Write(output, $"read-only repo: 3 commands refused with exit 7 and a line saying so; writable again, wrong results: {problems.Count}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        void Check(string what, CommandResult r)
        {
            if (Crashed(r)) problems.Add($"{what}: a crash instead of a message\n{r}");
            if (r.ExitCode != 7) problems.Add($"{what}: ended {r.ExitCode} on a read-only file system (7 expected)\n{r}");
            if (!r.Stderr.Contains("read-only file system", StringComparison.OrdinalIgnoreCase)) problems.Add($"{what}: no line says the file system is read-only\n{r}");
            if (r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 2) problems.Add($"{what}: more than a line or two of error\n{r}");
        }
    }
}
