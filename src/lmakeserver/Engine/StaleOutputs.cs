// A file a job left that must go (its job no longer makes it, or it is about to be remade): as its job left it,
// it is removed (`unlink`); edited by hand since, it is moved to LMAKE/quarantine/ (`quarantined`): never lost (A4).
using Lmake.Common.Checksums;

namespace Lmake.Server.Engine;

public static class StaleOutputs
{
    /// <summary>Removes or quarantines the file and forgets who wrote it. Returns the status word
    /// (`unlink` or `quarantined`), or null when nothing was on disk.</summary>
    public static string? Remove(Graph graph, Node node)
    {
        Graph.Invalidate(node);
        FileChecksum now = graph.Refresh(node);
        string? done = null;
        if (now.IsFile)
        {
            if (now == node.WrittenChecksum) graph.Disk.Unlink(node.Name);
            else Quarantine(graph, node);
            done = now == node.WrittenChecksum ? "unlink" : "quarantined";
        }
        node.WrittenBy = 0;
        node.WrittenChecksum = FileChecksum.None;
        Graph.Invalidate(node);
        graph.Refresh(node);
        graph.Save(node);
        return done;
    }

    /// <summary>A directory where a job is to write its target <paramref name="name"/>: left by jobs of rules
    /// since changed (a target `dut/1` before, `dut` now). What jobs wrote there goes as above, what else is
    /// there is quarantined, then the emptied directories. A directory holding a source is left alone (the job
    /// then fails on it). Returns the status words of what was quarantined.</summary>
    public static List<string> ClearDirectoryInTheWay(Graph graph, string name)
    {
        var quarantined = new List<string>();
        if (graph.Disk.FilesUnder(name) is not { } files || files.Any(graph.IsSource)) return quarantined;
        foreach (string f in files)
        {
            Node n = graph.Node(f);
            if (n.WrittenBy != 0) { if (Remove(graph, n) == "quarantined") quarantined.Add(f); }
            else { Quarantine(graph, n); quarantined.Add(f); }
        }
        graph.Disk.RemoveDirectory(name);
        return quarantined;
    }

    /// <summary>Moves the file to LMAKE/quarantine/NAME, where the user finds it.</summary>
    public static void Quarantine(Graph graph, Node node)
    {
        graph.Disk.Quarantine(node.Name);
        Graph.Invalidate(node);
    }
}
