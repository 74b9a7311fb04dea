// CodecTable (lencode/ldecode's tables): codes are checksum prefixes lengthened on collision, the file stays
// sorted and unique, odd values survive, the directory form, and concurrent encoders lose nothing.
using Lmake.Common.Checksums;

namespace Lmake.Autodep.Tests;

public class CodecTableTests
{
    private static string Sum(string value) => XxHash.Xxh3_128(System.Text.Encoding.UTF8.GetBytes(value)).ToString();

    [Fact]
    public void Colliding_short_codes_are_lengthened_and_every_code_is_a_prefix_of_the_checksum()
    {
        using var dir = new TempRepo();
        string table = dir["codes"];
        var codes = new Dictionary<string, string>();
        // 200 values with minLen 1: at most 16 one-digit codes exist, so most must be lengthened
        for (int i = 0; i < 200; i++) codes[$"value {i}"] = CodecTable.Encode(table, "ctx", $"value {i}", 1);
        Assert.Equal(200, codes.Values.Distinct().Count());
        Assert.Contains(codes.Values, c => c.Length == 1);
        Assert.Contains(codes.Values, c => c.Length >= 2);
        foreach (var (value, code) in codes)
        {
            Assert.StartsWith(code, Sum(value));
            // the shortest free prefix: a shorter one is the code of another value
            if (code.Length > 1) Assert.Contains(code[..^1], codes.Values);
            Assert.Equal(value, CodecTable.Decode(table, "ctx", code));
            Assert.Equal(code, CodecTable.Encode(table, "ctx", value, 1));  // same value, same code
        }
    }

    [Fact]
    public void The_file_is_sorted_unique_and_keeps_contexts_apart()
    {
        using var dir = new TempRepo();
        string table = dir["codes"];
        string[] contexts = ["zeta", "alpha", "mid"];
        foreach (string ctx in contexts)
            for (int i = 0; i < 30; i++) CodecTable.Encode(table, ctx, $"v{i % 20}", 3);
        string[] lines = File.ReadAllText(table).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(60, lines.Length);  // 20 distinct values in each of 3 contexts
        var keys = lines.Select(l => l.Split('\t')).Select(f => (f[0], f[1])).ToList();
        Assert.Equal(keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal), keys);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(lines, l => Assert.True(l.Split('\t')[1].Length >= 3, l));
        // the same value has the same code in every context, but is decoded only in its own
        string code = CodecTable.Encode(table, "alpha", "v1", 3);
        Assert.Equal(code, CodecTable.Encode(table, "zeta", "v1", 3));
        Assert.Null(CodecTable.Decode(table, "other", code));
        Assert.Null(CodecTable.Decode(dir["no-such-table"], "alpha", code));
    }

    [Fact]
    public void Values_with_newlines_tabs_and_backslashes_are_escaped_on_one_line()
    {
        using var dir = new TempRepo();
        string table = dir["codes"];
        string odd = "line1\nline2\twith tab \\n not a newline\r\n";
        string code = CodecTable.Encode(table, "c", odd, 4);
        string text = File.ReadAllText(table);
        Assert.Equal(1, text.Count(ch => ch == '\n'));
        Assert.Equal($"c\t{code}\tline1\\nline2\\twith tab \\\\n not a newline\\r\\n\n", text);
        Assert.Equal(odd, CodecTable.Decode(table, "c", code));
        Assert.Equal(code, CodecTable.Encode(table, "c", odd, 4));
    }

    [Fact]
    public void A_directory_table_holds_one_file_per_entry()
    {
        using var dir = new TempRepo();
        string table = dir["codes.d"];
        Directory.CreateDirectory(table);
        var codes = Enumerable.Range(0, 40).Select(i => CodecTable.Encode(table, "ctx", $"multi\nline {i}", 1)).ToList();
        Assert.Equal(40, codes.Distinct().Count());
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal($"multi\nline {i}", File.ReadAllText(Path.Combine(table, "ctx", codes[i])));
            Assert.Equal($"multi\nline {i}", CodecTable.Decode(table, "ctx", codes[i]));
        }
        Assert.Equal(40, Directory.GetFiles(Path.Combine(table, "ctx")).Length);  // no temp file left
        Assert.Null(CodecTable.Decode(table, "ctx", "../../etc"));
    }

    [Fact]
    public void A_bad_context_is_refused_with_its_name()
    {
        using var dir = new TempRepo();
        var e = Assert.Throws<ArgumentException>(() => CodecTable.Encode(dir["codes"], "a\tb", "v", 1));
        Assert.Contains("bad codec context 'a\tb'", e.Message);
        Assert.Throws<ArgumentException>(() => CodecTable.Encode(dir["codes"], "", "v", 1));
        Assert.False(File.Exists(dir["codes"]));
    }

    [Fact]
    public void Concurrent_encoders_never_lose_an_entry()
    {
        using var dir = new TempRepo();
        string table = dir["codes"];
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int i = 0; i < 100; i++)
            {
                string value = $"value {(t * 37 + i) % 300}";  // threads share values too
                string code = CodecTable.Encode(table, "ctx", value, 2);
                string previous = results.GetOrAdd(value, code);
                Assert.Equal(previous, code);
            }
        });
        var entries = CodecTable.Load(table);
        Assert.Equal(results.Count, entries.Count);
        foreach (var (value, code) in results) Assert.Equal(value, entries[("ctx", code)]);
    }
}
