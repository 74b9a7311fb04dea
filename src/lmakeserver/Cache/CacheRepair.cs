// lcache_repair: brings a cache dir back to a coherent state after a crash or after a user took parts of it away
// (cache.md, lcache_repair(1)). What is not a whole run (a run folder without a readable info and data, a folder
// holding neither runs nor job folders, what a writer left in LMAKE/tmp) goes; whole runs stay. What it is about to
// do is printed first; with a confirmation (or -f) it is done; -n only prints.
using Lmake.Common;

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
            bool whole = File.Exists(Path.Combine(folder, "data")) && IsEntry(Path.Combine(folder, "info"));
            if (!whole) actions.Add(("remove broken run", folder));
            return whole;
        }
        bool keeps = false;
        foreach (string sub in Directory.EnumerateDirectories(folder)) keeps |= Walk(sub, actions);
        foreach (string file in Directory.EnumerateFiles(folder)) actions.Add(("remove stray file", file));
        if (!keeps) actions.Add(("remove empty", folder));
        return keeps;
    }

    private static bool IsEntry(string info)
    {
        try { return CacheEntry.Parse(File.ReadAllText(info)) != null; }
        catch (IOException) { return false; }
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
