// lcache_repair: brings a cache dir back to a coherent state after a crash or after a user took parts of it away
// (cache.md, lcache_repair(1)). What is not a whole run (a run folder without a readable info and data, a folder
// holding neither runs nor job folders, what a writer left in LMAKE/tmp) goes; whole runs stay. What it is about to
// do is printed first; with a confirmation (or -f) it is done; -n only prints. A run is whole when its info parses and
// its data holds, once decompressed, exactly the bytes info lists (a data file cut short is no run). It works while no
// lcache_server runs on the dir (it holds DIR/LMAKE/server.lock meanwhile, and waits for it first): the daemon's index
// is made from what is on disk when it starts.
using Lmake.Common;
using Lmake.Common.Compression;
using Lmake.Common.Protocol;

namespace Lmake.Server.Cache;

public static class CacheRepair
{
    /// <summary>The actions that make <paramref name="dir"/> coherent, as (what, path) pairs, in the order to run them.</summary>
    public static List<(string What, string Path)> Plan(string dir)
    {
        var actions = new List<(string, string)>();
        string tmp = Path.Combine(dir, "LMAKE", "tmp");
        if (Directory.Exists(tmp))
            foreach (string left in Directory.EnumerateFileSystemEntries(tmp)) actions.Add(("remove unfinished", left));
        foreach (string sub in Directory.EnumerateDirectories(dir))
            if (Path.GetFileName(sub) != "LMAKE") Walk(sub, actions);
        return actions;
    }

    // true when the folder keeps something (a whole run, or a folder below that does)
    private static bool Walk(string folder, List<(string, string)> actions)
    {
        if (File.Exists(Path.Combine(folder, "info")) || File.Exists(Path.Combine(folder, "data")))
        {
            // a run folder: whole when its info parses and its data is there
            bool whole = IsWholeRun(folder);
            if (!whole) actions.Add(("remove broken run", folder));
            return whole;
        }
        bool keeps = false;
        foreach (string sub in Directory.EnumerateDirectories(folder)) keeps |= Walk(sub, actions);
        foreach (string file in Directory.EnumerateFiles(folder)) actions.Add(("remove stray file", file));
        if (!keeps) actions.Add(("remove empty", folder));
        return keeps;
    }

    private static bool IsWholeRun(string run)
    {
        try
        {
            if (CacheEntry.Parse(File.ReadAllText(Path.Combine(run, "info"))) is not CacheEntry entry) return false;
            using var data = new Lz4DecompressStream(File.OpenRead(Path.Combine(run, "data")));
            long expected = entry.Files.Sum(f => f.Size), got = 0;
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = data.Read(buffer)) > 0;) got += n;
            return got == expected;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or EndOfStreamException) { return false; }
    }

    /// <summary>Runs lcache_repair on <paramref name="dir"/>; returns the exit code of lcache_repair(1).</summary>
    public static int Run(string dir, bool dryRun, bool force, TextReader input, TextWriter output, TextWriter error)
    {
        dir = Path.GetFullPath(dir);
        if (!File.Exists(Path.Combine(dir, "LMAKE", "config.py")))
        {
            error.WriteLine($"lcache_repair: {dir} is no cache dir (it has no LMAKE/config.py)");
            return ExitCode.BadCache;
        }
        List<(string What, string Path)> actions;
        FileLock? held = null;
        try
        {
            Directory.CreateDirectory(CacheServerWire.AdminDir(dir));
            bool told = false;
            while ((held = FileLock.TryAcquire(CacheServerWire.LockFile(dir))) is null)
            {
                if (!told) error.WriteLine($"lcache_repair: waiting for the lcache_server of {dir} to stop");
                told = true;
                Thread.Sleep(100);
            }
        }
        catch (UnauthorizedAccessException e) { error.WriteLine($"lcache_repair: {e.Message}"); return ExitCode.Permission; }
        catch (IOException e) { error.WriteLine($"lcache_repair: {e.Message}"); return ExitCode.SyscallFailed; }
        using FileLock _ = held;
        try { actions = Plan(dir); }
        catch (UnauthorizedAccessException e) { error.WriteLine($"lcache_repair: {e.Message}"); return ExitCode.Permission; }
        foreach (var (what, path) in actions) output.WriteLine($"{what} : {Path.GetRelativePath(dir, path)}");
        if (actions.Count == 0) { output.WriteLine("nothing to repair"); return ExitCode.Ok; }
        if (dryRun) return ExitCode.Ok;
        if (!force)
        {
            output.Write("proceed ? [y/n] ");
            output.Flush();
            if (input.ReadLine()?.Trim() is not ("y" or "yes")) { output.WriteLine("nothing done"); return ExitCode.Ok; }
        }
        try
        {
            // innermost first (the plan lists a folder after what is below it)
            foreach (var (_, path) in actions)
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
        }
        catch (UnauthorizedAccessException e) { error.WriteLine($"lcache_repair: {e.Message}"); return ExitCode.Permission; }
        catch (IOException e) { error.WriteLine($"lcache_repair: {e.Message}"); return ExitCode.SyscallFailed; }
        return ExitCode.Ok;
    }
}
