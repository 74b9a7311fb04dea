// make bench-store: the store's figures on 1,000,000 source-tree paths, as one line:
// names=N bytes_per_name=X insert_per_s=Y lookup_per_s=Z name_of_id_per_s=W reopen_ms=V
// Every answer is checked; a wrong one ends the benchmark with exit code 1.
using System.Diagnostics;
using System.Text;
using Lmake.Store;
using Lmake.Store.Bench;

int count = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
bool verbose = args.Contains("-v");
string dir = Directory.CreateTempSubdirectory("lmake-bench-store-").FullName;
try
{
    var generator = new SourceTreePaths(seed: 20261121);
    List<string> paths = generator.Generate(count);
    byte[][] utf8 = paths.Select(Encoding.UTF8.GetBytes).ToArray();
    if (verbose)
        Console.Error.WriteLine($"directories={generator.DirectoryCount} mean_length={paths.Average(p => p.Length):F1} " +
                                $"mean_depth={paths.Average(p => p.Count(c => c == '/') + 1):F2} " +
                                $"mean_file_name={paths.Average(p => p.Length - p.LastIndexOf('/') - 1):F1}");
    string path = Path.Combine(dir, "names");

    var tree = PrefixTree.Open(path);
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < count; i++)
        if (tree.Insert(utf8[i]) != (uint)(i + 1)) return Fail($"insert of {paths[i]} did not get id {i + 1}");
    double insertSeconds = watch.Elapsed.TotalSeconds;

    // Lookups in a random order (the worst case: every lookup misses the caches); with -v, also in
    // insertion order (nodes then sit where the previous lookup left the caches), on stderr.
    var order = Enumerable.Range(0, count).ToArray();
    new Random(7).Shuffle(order);
    if (verbose)
    {
        watch.Restart();
        for (int i = 0; i < count; i++)
            if (!tree.TryGet(utf8[i], out uint id) || id != (uint)(i + 1)) return Fail($"lookup of {paths[i]}");
        Console.Error.WriteLine($"lookup_in_insertion_order_per_s={count / watch.Elapsed.TotalSeconds:F0}");
    }
    // The queries arrive one after the other in a buffer, as names do from job reports: what is measured
    // is the store's memory traffic, not the scattered managed arrays the paths were generated in.
    var queries = new byte[utf8.Sum(u => (long)u.Length)];
    var starts = new int[count + 1];
    for (int j = 0, at = 0; j < count; j++)
    {
        utf8[order[j]].CopyTo(queries, at);
        at += utf8[order[j]].Length;
        starts[j + 1] = at;
    }
    watch.Restart();
    for (int j = 0; j < count; j++)
        if (!tree.TryGet(queries.AsSpan(starts[j], starts[j + 1] - starts[j]), out uint id) || id != (uint)(order[j] + 1))
            return Fail($"lookup of {paths[order[j]]}");
    double lookupSeconds = watch.Elapsed.TotalSeconds;

    watch.Restart();
    foreach (int i in order)
        if (tree.NameOf((uint)(i + 1)).Length != paths[i].Length) return Fail($"name of id {i + 1}");
    double nameOfSeconds = watch.Elapsed.TotalSeconds;
    for (int i = 0; i < count; i += 997)
        if (tree.NameOf((uint)(i + 1)) != paths[i]) return Fail($"name of id {i + 1} is not {paths[i]}");
    tree.Dispose();

    long bytes = Directory.GetFiles(dir).Sum(f => new FileInfo(f).Length);
    if (verbose)
        foreach (string f in Directory.GetFiles(dir)) Console.Error.WriteLine($"{Path.GetFileName(f)} {new FileInfo(f).Length}");

    // Reopen: open the three files and answer one lookup; the median of several runs.
    var reopenMs = new List<double>();
    for (int run = 0; run < 9; run++)
    {
        watch.Restart();
        using var reopened = PrefixTree.Open(path, writable: run % 2 == 0);
        bool found = reopened.TryGet(utf8[run], out uint id);
        reopenMs.Add(watch.Elapsed.TotalMilliseconds);
        if (!found || id != (uint)(run + 1) || reopened.Count != (uint)count) return Fail("reopen lost names");
    }
    reopenMs.Sort();

    Console.WriteLine($"names={count} bytes_per_name={(double)bytes / count:F1} insert_per_s={count / insertSeconds:F0} " +
                      $"lookup_per_s={count / lookupSeconds:F0} name_of_id_per_s={count / nameOfSeconds:F0} " +
                      $"reopen_ms={reopenMs[reopenMs.Count / 2]:F3}");
    return 0;
}
finally
{
    Directory.Delete(dir, recursive: true);
}

static int Fail(string what)
{
    Console.Error.WriteLine($"bench-store: wrong answer: {what}");
    return 1;
}
