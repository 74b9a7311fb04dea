// PrefixTree checked against a Dictionary model over long randomized sequences of operations, with
// reopens and a concurrent reader along the way.
using System.Text;

namespace Lmake.Store.Tests;

public class PrefixTreeModelTests
{
    private static readonly string[] Parts = ["src", "lib", "a", "b", "include", "é", "日本", "x.c", "y.h", "", "long"];

    // Names that share prefixes a lot, include directories that later become names, absolute paths,
    // empty components, non-ASCII text and a few names thousands of bytes long.
    private static string RandomName(Random random)
    {
        int depth = random.Next(1, 7);
        var name = new StringBuilder();
        if (random.Next(10) == 0) name.Append('/');
        for (int level = 0; level < depth; level++)
        {
            if (level > 0) name.Append('/');
            string part = Parts[random.Next(Parts.Length)];
            if (part == "long") part = new string('L', random.Next(100, 3000));
            name.Append(part);
            if (random.Next(3) == 0) name.Append(random.Next(20));
        }
        return name.ToString();
    }

    private static void CheckAgainstModel(PrefixTree tree, Dictionary<string, uint> model, List<string> byId, Random random)
    {
        Assert.Equal((uint)model.Count, tree.Count);
        foreach (var (name, id) in model)
        {
            Assert.True(tree.TryGet(name, out uint found), $"'{name}' not found");
            Assert.Equal(id, found);
            Assert.True(tree.TryGet(Encoding.UTF8.GetBytes(name), out found));
            Assert.Equal(id, found);
        }
        for (uint id = 1; id <= byId.Count; id++) Assert.Equal(byId[(int)id - 1], tree.NameOf(id));
        for (int i = 0; i < 200; i++)
        {
            string absent = RandomName(random);
            if (!model.ContainsKey(absent)) Assert.False(tree.TryGet(absent, out _), $"'{absent}' found but never inserted");
        }
    }

    private static List<uint> Sorted(IEnumerable<uint> ids) => ids.OrderBy(v => v).ToList();

    private static void CheckChildren(PrefixTree tree, Dictionary<string, uint> model)
    {
        // "" asks for the top level; "/" for the names "/X" (below the empty first component of absolute paths).
        Assert.Equal(Sorted(model.Where(kv => !kv.Key.Contains('/')).Select(kv => kv.Value)), Sorted(tree.Children("")));
        Assert.Equal(Sorted(model.Where(kv => kv.Key.StartsWith('/') && !kv.Key[1..].Contains('/')).Select(kv => kv.Value)),
                     Sorted(tree.Children("/")));
        // ("/" itself is taken by absolute paths above: names "//X" cannot be listed.)
        var byDirectory = model.Where(kv => kv.Key.LastIndexOf('/') > 0)
                               .GroupBy(kv => kv.Key[..kv.Key.LastIndexOf('/')], kv => kv.Value);
        foreach (var directory in byDirectory.Where(g => g.Key != "/"))
            Assert.Equal(Sorted(directory), Sorted(tree.Children(directory.Key)));
        Assert.Empty(tree.Children("absent/dir"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomOperationsMatchADictionary(int seed)
    {
        using var dir = new StoreDir();
        var random = new Random(seed);
        var model = new Dictionary<string, uint>();
        var byId = new List<string>();
        var tree = PrefixTree.Open(dir["names"]);
        try
        {
            for (int round = 0; round < 8; round++)
            {
                for (int op = 0; op < 2000; op++)
                {
                    string name = random.Next(4) == 0 && byId.Count > 0 ? byId[random.Next(byId.Count)] : RandomName(random);
                    if (random.Next(6) == 0)
                    {
                        // a directory of an existing name becomes a name itself
                        string some = byId.Count > 0 ? byId[random.Next(byId.Count)] : name;
                        int slash = some.LastIndexOf('/');
                        if (slash > 0) name = some[..slash];
                    }
                    if (!model.TryGetValue(name, out uint expected))
                    {
                        expected = (uint)model.Count + 1;
                        model[name] = expected;
                        byId.Add(name);
                    }
                    Assert.Equal(expected, tree.Insert(name));
                }
                CheckAgainstModel(tree, model, byId, random);
                using (var reader = PrefixTree.Open(dir["names"], writable: false)) CheckAgainstModel(reader, model, byId, random);
                if (round % 2 == 1)
                {
                    tree.Dispose();
                    tree = PrefixTree.Open(dir["names"]);
                }
            }
            CheckChildren(tree, model);
        }
        finally
        {
            tree.Dispose();
        }
    }

    [Fact]
    public void AReaderFollowsAWriterThroughIndexRebuilds()
    {
        using var dir = new StoreDir();
        using var writer = PrefixTree.Open(dir["names"]);
        writer.Insert("first");
        using var reader = PrefixTree.Open(dir["names"], writable: false);
        for (int i = 0; i < 20_000; i++) writer.Insert($"d{i % 37}/f{i}"); // the index is rebuilt several times
        Assert.Equal(20_001u, reader.Count);
        Assert.True(reader.TryGet("d5/f19985", out uint id));
        Assert.Equal("d5/f19985", reader.NameOf(id));
        Assert.Equal(writer.Children("d5").OrderBy(x => x), reader.Children("d5").OrderBy(x => x));
        Assert.Throws<InvalidOperationException>(() => reader.Insert("x"));
    }

    [Fact]
    public void DirectoriesDoNotConsumeIdsAndBecomeNamesWhenInserted()
    {
        using var dir = new StoreDir();
        using var tree = PrefixTree.Open(dir["names"]);
        Assert.Equal(1u, tree.Insert("a/b/c/d.c"));
        Assert.Equal(2u, tree.Insert("a/b/e.c"));
        Assert.False(tree.TryGet("a/b", out _));
        Assert.Equal(3u, tree.Insert("a/b"));
        Assert.True(tree.TryGet("a/b", out uint id));
        Assert.Equal(3u, id);
        Assert.Equal("a/b", tree.NameOf(3));
        Assert.Equal(new uint[] { 2 }, tree.Children("a/b").ToArray()); // "a/b/c" is not a name
        Assert.Empty(tree.Children(""));                                 // nor is "a"
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.NameOf(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.NameOf(4));
    }

    [Fact]
    public void TheIndexIsRebuiltWhenItsFileIsMissing()
    {
        using var dir = new StoreDir();
        using (var tree = PrefixTree.Open(dir["names"]))
            for (int i = 0; i < 5000; i++) tree.Insert($"x/{i % 10}/n{i}");
        File.Delete(dir["names.idx"]);
        using var reopened = PrefixTree.Open(dir["names"]);
        Assert.Equal(5000u, reopened.Count);
        Assert.True(reopened.TryGet("x/3/n4993", out uint id));
        Assert.Equal(4994u, id);
    }
}
