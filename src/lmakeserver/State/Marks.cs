// lmark's marks, persisted in LMAKE/marks (one `KIND NAME` a line, so they survive a server restart):
//   freeze NAME      the file acts as a source: the job that makes it is not run (`frozen` status line)
//   freeze_job KEY   the job (RULE/JOBNAME) is not run, what it left stands
//   no_trigger NAME  a change of the file does not rerun the jobs that depend on it
// Only the server writes the file (lmark runs in it); the engine reads the sets at every node it makes.
namespace Lmake.Server.State;

public sealed class Marks
{
    private readonly string _path;
    private readonly SortedSet<string> _frozen = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _frozenJobs = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _noTrigger = new(StringComparer.Ordinal);

    public Marks(string repoRoot)
    {
        _path = new LmakeDir(repoRoot).Marks;
        string[] lines;
        try { lines = File.ReadAllLines(_path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }   // none yet
        foreach (string line in lines)
        {
            int space = line.IndexOf(' ');
            if (space <= 0) continue;
            string name = line[(space + 1)..];
            switch (line[..space])
            {
                case "freeze": _frozen.Add(name); break;
                case "freeze_job": _frozenJobs.Add(name); break;
                case "no_trigger": _noTrigger.Add(name); break;
            }
        }
    }

    public bool IsFrozen(string name) => _frozen.Count != 0 && _frozen.Contains(name);
    public bool IsFrozenJob(string key) => _frozenJobs.Count != 0 && _frozenJobs.Contains(key);
    public bool IsNoTrigger(string name) => _noTrigger.Count != 0 && _noTrigger.Contains(name);

    public IReadOnlyCollection<string> Frozen => _frozen;
    public IReadOnlyCollection<string> FrozenJobs => _frozenJobs;
    public IReadOnlyCollection<string> NoTrigger => _noTrigger;

    /// <summary>The set of a kind: 'f' files frozen, 'j' jobs frozen, 't' no-trigger files.</summary>
    public SortedSet<string> Set(char kind) => kind switch { 'f' => _frozen, 'j' => _frozenJobs, _ => _noTrigger };

    /// <summary>Writes every mark (temp + rename): a crash leaves the old marks or the new ones.</summary>
    public void Save()
    {
        var lines = _frozen.Select(n => "freeze " + n).Concat(_frozenJobs.Select(k => "freeze_job " + k))
            .Concat(_noTrigger.Select(n => "no_trigger " + n));
        string tmp = _path + ".tmp";
        File.WriteAllLines(tmp, lines);
        File.Move(tmp, _path, overwrite: true);
    }
}
