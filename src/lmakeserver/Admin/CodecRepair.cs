// lcodec_repair (lcodec_repair(1)): makes a codec table dir coherent again (CodecDirRepair says how). It lists
// what it is about to do, then asks (unless -f), then does it; -n only lists. A dir given by hand may be any
// dir: what is not a table's is removed, so a path that is plainly no table dir (a file, missing) is refused.
using Lmake.Autodep;
using Lmake.Common;

namespace Lmake.Server.Admin;

public static class CodecRepair
{
    public static int Run(string dir, bool dryRun, bool force, bool reconstruct, TextReader input, TextWriter output, TextWriter error)
    {
        dir = Path.GetFullPath(dir);
        if (!Directory.Exists(dir))
        {
            error.WriteLine($"lcodec_repair: {dir} is no codec table dir (no such dir)");
            return ExitCode.Usage;
        }
        List<CodecRepairAction> actions;
        try { actions = CodecDirRepair.Plan(dir, reconstruct); }
        catch (UnauthorizedAccessException e) { error.WriteLine($"lcodec_repair: {e.Message}"); return ExitCode.Permission; }
        catch (IOException e) { error.WriteLine($"lcodec_repair: {e.Message}"); return ExitCode.SyscallFailed; }
        foreach (CodecRepairAction a in actions)
            output.WriteLine(a with { Path = Path.GetRelativePath(dir, a.Path) });
        if (actions.Count == 0) { output.WriteLine("nothing to repair"); return ExitCode.Ok; }
        if (dryRun) return ExitCode.Ok;
        if (!force)
        {
            output.Write("proceed ? [y/n] ");
            output.Flush();
            if (input.ReadLine()?.Trim() is not ("y" or "yes")) { output.WriteLine("nothing done"); return ExitCode.Ok; }
        }
        try { CodecDirRepair.Apply(dir, actions); }
        catch (UnauthorizedAccessException e) { error.WriteLine($"lcodec_repair: {e.Message}"); return ExitCode.Permission; }
        catch (IOException e) { error.WriteLine($"lcodec_repair: {e.Message}"); return ExitCode.SyscallFailed; }
        return ExitCode.Ok;
    }
}
