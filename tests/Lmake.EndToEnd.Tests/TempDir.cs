// A temporary directory removed after the test, and a temporary git repository (what lmake users have).
namespace Lmake.EndToEnd.Tests;

public class TempDir : IDisposable
{
    public string Path { get; }

    public TempDir(string prefix = "lmake-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Write(string relative, string content)
    {
        string full = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public string Read(string relative) => File.ReadAllText(this[relative]);

    public virtual void Dispose()
    {
        try
        {
            // Tests may leave read-only trees (read-only repo scenarios).
            Installed.Shell($"chmod -R u+w '{Path}' 2>/dev/null; rm -rf '{Path}'");
        }
        catch (Exception) { /* a leftover temp dir must not fail a test */ }
        GC.SuppressFinalize(this);
    }
}

public sealed class TempRepo : TempDir
{
    public TempRepo() : base("lmake-repo-")
    {
        Git("init", "-q");
        Git("config", "user.email", "test@example.com");
        Git("config", "user.name", "test");
    }

    public CommandResult Git(params string[] args) => Installed.Run("git", args, Path);

    /// <summary>Writes files and adds them to git (sources, for lmake).</summary>
    public void Add(string relative, string content)
    {
        Write(relative, content);
        Git("add", relative);
    }

    /// <summary>Kills the repo's server if one runs (a test that failed mid-way must not leave one behind).
    /// The server may be exiting at the same moment: its LMAKE/server can vanish while it is read.</summary>
    public void KillServer()
    {
        string[] lines;
        try { lines = File.ReadAllLines(this["LMAKE/server"]); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return; }
        if (lines.Length > 1 && int.TryParse(lines[1], out int pid))
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }

    /// <summary>Runs an installed command with the repo as cwd.</summary>
    public CommandResult Run(string command, params string[] args) =>
        Installed.Run(Installed.Bin(command), args, Path);
}
