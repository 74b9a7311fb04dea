// A file a job left that must go (its job no longer makes it, or it is about to be remade): as its job left it,
// it is removed (`unlink`); edited by hand since, it is moved to LMAKE/quarantine/ (`quarantined`): never lost (A4).
using Lmake.Common.Checksums;
using Lmake.Server.State;

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
            if (now == node.WrittenChecksum) File.Delete(graph.AbsolutePath(node));
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

    /// <summary>Moves the file to LMAKE/quarantine/NAME, where the user finds it.</summary>
    public static void Quarantine(Graph graph, Node node)
    {
        string dest = new LmakeDir(graph.RepoRoot).QuarantineOf(node.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
        File.Move(graph.AbsolutePath(node), dest, overwrite: true);
        Graph.Invalidate(node);
    }
}
