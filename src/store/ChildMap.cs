// The children of each node, for PrefixTree.Children: kept in memory, built on first use by scanning the
// node file, then extended by scanning only what was committed since (the files hold no child links, which
// keeps names small).
namespace Lmake.Store;

internal sealed class ChildMap
{
    private readonly Dictionary<uint, List<uint>> _childNodes = new();
    private ulong _scannedNodes = MappedFile.HeaderSize;

    public void CatchUp(NodeHeap heap)
    {
        ulong used = heap.Used;
        for (uint node = (uint)(_scannedNodes / 4); (ulong)node * 4 < used;)
        {
            var component = heap.Read(node, out uint parent);
            if (!_childNodes.TryGetValue(parent, out var children)) _childNodes[parent] = children = new List<uint>();
            children.Add(node);
            node += NodeHeap.NodeSize(component.Length) / 4;
        }
        _scannedNodes = used;
    }

    /// <summary>Ids of the child nodes of `parent` (0: top level) that are names.</summary>
    public List<uint> NamesBelow(uint parent, NodeHeap heap)
    {
        var names = new List<uint>();
        if (!_childNodes.TryGetValue(parent, out var children)) return names;
        foreach (uint node in children)
            if (heap.NameIdOf(node) is var id and not 0) names.Add(id);
        return names;
    }
}
