// CodecTable (lencode/ldecode's tables without a server): codes are checksum prefixes lengthened on collision,
// new entries are appended once each and the canonical form sorts them, odd values survive, the directory form's
// layout, and concurrent encoders lose nothing.
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
    public void Appended_entries_are_one_line_each_and_the_canonical_form_sorts_them_by_context_then_code()
    {
        using var dir = new TempRepo();
        string table = dir["codes"];
        string[] contexts = ["zeta", "alpha", "mid"];
        foreach (string ctx in contexts)
            for (int i = 0; i < 30; i++) CodecTable.Encode(table, ctx, $"v{i % 20}", 3);
        string[] lines = File.ReadAllText(table).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(60, lines.Length);  // 20 distinct values in each of 3 contexts, appended as they came
        Assert.All(lines, l => Assert.Matches("^\t[0-9a-f]{3,}\t(zeta|alpha|mid)\tv[0-9]+$", l));
        CodecEntries entries = CodecFile.Load(table, out bool canonical);
        Assert.False(canonical);
        CodecFile.Rewrite(table, entries);
        string[] sorted = File.ReadAllText(table).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var keys = sorted.Select(l => l.Split('\t')).Select(f => (Context: f[2], Code: f[1])).ToList();
        Assert.Equal(keys.OrderBy(k => k.Context, StringComparer.Ordinal).ThenBy(k => k.Code, StringComparer.Ordinal), keys);
        CodecFile.Load(table, out canonical);
        Assert.True(canonical);
        // the same value has the same code in every context, but is decoded only in its own
        string code = CodecTable.Encode(table, "alpha", "v1", 3);
        Assert.Equal(code, CodecTable.Encode(table, "zeta", "v1", 3));
        Assert.Null(CodecTable.Decode(table, "other", code));
        Assert.Null(CodecTable.Decode(dir["no-such-table"], "alpha", code));
        Assert.False(File.Exists(dir["no-such-table"]));   // decoding creates nothing
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
        Assert.Equal($"\t{code}\tc\tline1\\nline2\\twith tab \\\\n not a newline\\r\\n\n", text);
        Assert.Equal(odd, CodecTable.Decode(table, "c", code));
        Assert.Equal(code, CodecTable.Encode(table, "c", odd, 4));
    }

    [Fact]
    public void A_directory_table_has_a_store_file_per_value_a_decode_link_per_code_and_an_encode_link_per_value()
    {
        using var dir = new TempRepo();
        string table = dir["codes.d"];
        Directory.CreateDirectory(table);
        var codes = Enumerable.Range(0, 40).Select(i => CodecTable.Encode(table, "sub/ctx", $"multi\nline {i}", 1)).ToList();
        Assert.Equal(40, codes.Distinct().Count());
        for (int i = 0; i < 40; i++)
        {
            string value = $"multi\nline {i}", sum = CodecCodes.Base64(value);
            Assert.Equal(22, sum.Length);
            Assert.Equal(value, File.ReadAllText(Path.Combine(table, "store", sum)));
            string decode = Path.Combine(table, "tab", "sub", "ctx", codes[i] + ".decode");
            Assert.Equal($"../../../store/{sum}", new FileInfo(decode).LinkTarget);   // one more ../ for the '/' of the context
            Assert.Equal(codes[i] + ".decode", new FileInfo(Path.Combine(table, "tab", "sub", "ctx", sum + ".encode")).LinkTarget);
            Assert.Equal(value, CodecTable.Decode(table, "sub/ctx", codes[i]));
            Assert.Equal(codes[i], CodecTable.Encode(table, "sub/ctx", value, 1));
        }
        Assert.Equal(80, Directory.GetFileSystemEntries(Path.Combine(table, "tab", "sub", "ctx")).Length);  // no temp file left
        Assert.Equal(40, Directory.GetFileSystemEntries(Path.Combine(table, "store")).Length);
        Assert.Null(CodecTable.Decode(table, "sub/ctx", "../../etc"));
        Assert.Empty(CodecDirRepair.Plan(table, reconstruct: false));   // what encoders leave is coherent
    }

    [Fact]
    public void A_bad_context_is_refused_with_its_name()
    {
        using var dir = new TempRepo();
        var e = Assert.Throws<ArgumentException>(() => CodecTable.Encode(dir["codes"], "a\tb", "v", 1));
        Assert.Contains("context 'a\\tb' has a tab", e.Message);
        Assert.Throws<ArgumentException>(() => CodecTable.Encode(dir["codes"], "", "v", 1));
        Assert.Throws<ArgumentException>(() => CodecTable.Encode(dir["codes"], "a//b", "v", 1));
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
        CodecEntries entries = CodecFile.Load(table, out _);
        Assert.Equal(results.Count, entries.Count);
        Assert.Equal(results.Count, File.ReadAllText(table).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);   // each once
        foreach (var (value, code) in results) Assert.Equal(value, entries.Decode("ctx", code));
    }

    [Fact]
    public void Concurrent_encoders_of_a_table_dir_agree_on_every_code()
    {
        using var dir = new TempRepo();
        string table = dir["codes.d"];
        Directory.CreateDirectory(table);
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int i = 0; i < 100; i++)
            {
                string value = $"value {(t * 37 + i) % 300}";   // threads share values, and 1-digit codes collide
                string code = CodecTable.Encode(table, "ctx", value, 1);
                Assert.Equal(results.GetOrAdd(value, code), code);
            }
        });
        Assert.Equal(results.Count, results.Values.Distinct().Count());
        foreach (var (value, code) in results) Assert.Equal(value, CodecTable.Decode(table, "ctx", code));
        Assert.Empty(CodecDirRepair.Plan(table, reconstruct: false));   // coherent: no half association, no temp file
    }

    [Fact]
    public void A_table_reached_through_a_symbolic_link_is_rewritten_where_the_link_leads()
    {
        using var dir = new TempRepo();
        File.WriteAllText(dir["real_codes"], "\tk2\tctx\tb\n\tk1\tctx\ta\n");
        File.CreateSymbolicLink(dir["codes"], "real_codes");
        CodecEntries entries = CodecFile.Load(dir["codes"], out bool canonical);
        Assert.False(canonical);
        CodecFile.Rewrite(dir["codes"], entries);
        Assert.Equal("real_codes", new FileInfo(dir["codes"]).LinkTarget);
        Assert.Equal("\tk1\tctx\ta\n\tk2\tctx\tb\n", File.ReadAllText(dir["real_codes"]));
    }
}
