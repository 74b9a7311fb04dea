// lmake_dump (_bin/): the store of a repo in readable form, for debugging: the rules lmake last read, then
// every node (id, checksum, writer) and every job (id, status, deps, targets). Opens the store read-only
// (a server may run meanwhile) and streams through one buffered writer: fast on large repos.
using Lmake.Server.State;
using System.Text;
using Lmake.Common;
using Lmake.Common.Checksums;
using Lmake.Server.Engine;
using Lmake.Server.Rules;

namespace Lmake.Server.Admin;

public static class StoreDump
{
    public static int Run(string repoRoot, Stream stdout)
    {
        var lmakeDir = new LmakeDir(repoRoot);
        if (!Directory.Exists(lmakeDir.Store))
        {
            Console.Error.WriteLine($"lmake_dump: no store in {lmakeDir.Dir} (never built)");
            return ExitCode.BadState;
        }
        using var store = new GraphStore(lmakeDir.Dir, writable: false);
        using var w = new StreamWriter(stdout, new UTF8Encoding(false), 1 << 16);
        w.WriteLine("# rules");
        string saved = lmakeDir.SavedMakefiles;
        if (File.Exists(saved))
        {
            try
            {
                foreach (Rule r in Makefiles.FromJson(File.ReadAllText(saved)).Rules)
                    w.WriteLine($"rule {r.Name} kind={r.Kind.ToString().ToLowerInvariant()} prio={r.Prio} at={r.Location} cmd_signature={r.CmdSignature}");
            }
            catch (LmakefileException e) { w.WriteLine($"# {saved}: {e.Message}"); }
        }
        w.WriteLine($"# nodes ({store.NodeCount})");
        for (uint id = 1; id <= store.NodeCount; id++)
        {
            NodeRecord n = store.NodeRecordOf(id);
            w.Write("node ");
            w.Write(id);
            w.Write(' ');
            w.Write(n.Known != 0 ? n.Checksum.ToChecksum().ToString() : "unknown");
            if (n.WrittenBy != 0)
            {
                w.Write(" written_by=");
                w.Write(n.WrittenBy);
            }
            w.Write(' ');
            w.WriteLine(store.NodeName(id));
        }
        w.WriteLine($"# jobs ({store.JobCount})");
        for (uint id = 1; id <= store.JobCount; id++)
        {
            StoredJob j = store.ReadJob(id);
            w.WriteLine($"job {id} {JobInfos.StatusWord(j.Status)} exec={j.ExecTime.TotalSeconds:0.000}s {j.Rule} {j.Name}");
            foreach (StoredDep d in j.Deps)
                w.WriteLine($"  dep    {(d.IsStatic ? 'S' : '-')} {d.Seen} {store.NodeName(d.Node)}");
            foreach (uint t in j.Targets)
                w.WriteLine($"  target {store.NodeName(t)}");
        }
        return ExitCode.Ok;
    }
}
