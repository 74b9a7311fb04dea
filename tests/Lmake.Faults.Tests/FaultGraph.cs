// The repo the fault cases build: 8 sources, a job per source (a chain link: s3 -> o3), a fan-in of all of them
// (all), and one more link (final). Every job sleeps a little, so that a fault lands while jobs run, and notes
// that it ran in a log outside the repo (not tracked), so that a case can count runs. What each target must hold
// follows from the sources alone: a wrong result is a target that does not.
using Lmake.EndToEnd.Tests;

namespace Lmake.Faults.Tests;

public sealed class FaultGraph : IDisposable
{
    public const int Sources = 8;
    public static readonly string[] Targets = [.. Enumerable.Range(1, Sources).Select(i => $"o{i}"), "all", "final"];

    private readonly Random _random;
    private readonly string[] _content = new string[Sources + 1];
    private readonly TempDir _outside = new("lmake-faults-");

    public FaultGraph(int seed)
    {
        _random = new Random(seed);
        string objs = string.Join(' ', Enumerable.Range(1, Sources).Select(i => $"o{i}"));
        Repo = new LmakeRepo($$"""
            import lmake
            from lmake.rules import Rule
            lmake.manifest = ('Lmakefile.py',) + tuple(f's{i}' for i in range(1, {{Sources + 1}}))
            class Obj(Rule):
                target  = r'o{N:\d+}'
                dep     = 's{N}'
                environ = { 'RUNLOG' : '{{RunLog}}' }
                cmd     = 'echo o{N} >> $RUNLOG ; sleep 0.05 ; cat ; echo obj{N}'
            class All(Rule):
                target  = 'all'
                deps    = { f'O{i}' : f'o{i}' for i in range(1, {{Sources + 1}}) }
                environ = { 'RUNLOG' : '{{RunLog}}' }
                cmd     = 'echo all >> $RUNLOG ; sleep 0.05 ; cat {{objs}}'
            class Final(Rule):
                target  = 'final'
                dep     = 'all'
                environ = { 'RUNLOG' : '{{RunLog}}' }
                cmd     = 'echo final >> $RUNLOG ; sleep 0.05 ; wc -l ; echo final'
            """);
        for (int i = 1; i <= Sources; i++) SetSource(i);
    }

    public LmakeRepo Repo { get; }

    /// <summary>Where the jobs note their runs, a line each (outside the repo).</summary>
    public string RunLog => _outside["runs.log"];

    /// <summary>Gives a source a new content (added to git the first time).</summary>
    public void SetSource(int i)
    {
        _content[i] = $"source {i} version {_random.Next()}\n";
        if (File.Exists(Repo.Repo[$"s{i}"])) Repo.Repo.Write($"s{i}", _content[i]);
        else Repo.Repo.Add($"s{i}", _content[i]);
    }

    /// <summary>A few sources changed, at random: the next build has work to do.</summary>
    public void ChangeSomeSources()
    {
        int n = 1 + _random.Next(Sources);
        foreach (int i in Enumerable.Range(1, Sources).OrderBy(_ => _random.Next()).Take(n)) SetSource(i);
    }

    public string Expected(string target)
    {
        string Obj(int i) => _content[i] + $"obj{i}\n";
        string all = string.Concat(Enumerable.Range(1, Sources).Select(Obj));
        return target switch
        {
            "all" => all,
            "final" => $"{all.Count(c => c == '\n')}\nfinal\n",
            _ => Obj(int.Parse(target[1..])),
        };
    }

    /// <summary>The targets whose content is not what the sources say (missing ones too).</summary>
    public List<string> WrongTargets() =>
        Targets.Where(t => !File.Exists(Repo.Repo[t]) || File.ReadAllText(Repo.Repo[t]) != Expected(t)).ToList();

    /// <summary>The sources that no longer hold what the case wrote (a lost file).</summary>
    public List<string> LostSources() =>
        Enumerable.Range(1, Sources).Where(i => !File.Exists(Repo.Repo[$"s{i}"]) || File.ReadAllText(Repo.Repo[$"s{i}"]) != _content[i])
            .Select(i => $"s{i}").ToList();

    /// <summary>How many times each job ran since the log was last cleared.</summary>
    public Dictionary<string, int> Runs()
    {
        if (!File.Exists(RunLog)) return [];
        return File.ReadAllLines(RunLog).Where(l => l.Length > 0).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
    }

    public void ClearRuns() => File.Delete(RunLog);

    public void Dispose()
    {
        Repo.Dispose();
        _outside.Dispose();
    }
}
