// The other commands: version, show, clean, grep, grepfunction, checkout, on a cache made by jit.
using System.IO.Compression;

namespace Dijitso.Tests;

public class SubcommandTests
{
    private const string Multi = """
        #include <cmath>
        // helpers
        static int square(int x) { return x * x; }

        extern "C" int add(int a,
                           int b)
        {
            int s = a + b;   // { braces in a comment }
            const char* t = "}";
            return s + (t[0] == '}' ? 0 : 1);
        }

        extern "C" int use() { return add(1, 2) + square(3); }
        """;

    private static Sandbox Populated()
    {
        var s = new Sandbox();
        s.Write("one.cpp", Multi + "\n");
        s.Write("one.h", "int add(int a, int b);\n");
        s.Write("two.cpp", "extern \"C\" int mul(int a, int b) { return a * b; }\n");
        Assert.Equal(0, s.Dijitso("jit", "one", "--source", "one.cpp", "--header", "one.h", "--cache-dir", s.Cache).ExitCode);
        Assert.Equal(0, s.Dijitso("jit", "two", "--source", "two.cpp", "--cache-dir", s.Cache).ExitCode);
        return s;
    }

    [Fact]
    public void Version()
    {
        using var s = new Sandbox();
        Result r = s.Dijitso("version");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^dijitso \d+\.\d+\.\d+\n$", r.Stdout);
    }

    [Fact]
    public void Show()
    {
        using var s = Populated();
        Result r = s.Dijitso("show", "--cache-dir", s.Cache);
        Assert.Equal(0, r.ExitCode);
        string[] lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal($"cache: {s.Cache}", lines[0]);
        Assert.Matches($@"^inc: 1 files, \d+ bytes in {s.Cache}/include$", lines[1]);
        Assert.Matches(@"^src: 2 files, \d+ bytes in ", lines[2]);
        Assert.Matches(@"^lib: 2 files, \d+ bytes in ", lines[3]);
        Assert.Matches(@"^log: 2 files, \d+ bytes in ", lines[4]);
        Assert.Equal(5, lines.Length);
        Assert.Equal("one\ntwo\n", s.Dijitso("show", "--signatures", "--no-summary", "--cache-dir", s.Cache).Stdout);
        Assert.Equal($"{s.Cache}/lib/libdijitso-one.so\n{s.Cache}/lib/libdijitso-two.so\n",
            s.Dijitso("show", "--categories", "lib", "--files", "--no-summary", "--cache-dir", s.Cache).Stdout);
        Result bad = s.Dijitso("show", "--categories", "lib,bin", "--cache-dir", s.Cache);
        Assert.Equal(11, bad.ExitCode);
        Assert.Contains("unknown category 'bin'", bad.Stderr);
    }

    [Fact]
    public void Clean()
    {
        using var s = Populated();
        Result dry = s.Dijitso("clean", "--categories", "lib,log", "--dry-run", "--cache-dir", s.Cache);
        Assert.Equal(0, dry.ExitCode);
        Assert.Equal($"would remove {s.Cache}/lib/libdijitso-one.so\nwould remove {s.Cache}/lib/libdijitso-two.so\n" +
                     $"would remove {s.Cache}/log/one.txt\nwould remove {s.Cache}/log/two.txt\n4 files would be removed\n", dry.Stdout);
        Assert.True(File.Exists(Path.Combine(s.Cache, "lib", "libdijitso-one.so")));
        Result real = s.Dijitso("clean", "--categories", "lib", "--cache-dir", s.Cache);
        Assert.Equal(0, real.ExitCode);
        Assert.EndsWith("2 files removed\n", real.Stdout);
        Assert.False(File.Exists(Path.Combine(s.Cache, "lib", "libdijitso-one.so")));
        Assert.True(File.Exists(Path.Combine(s.Cache, "log", "one.txt")));
        Assert.Equal(0, s.Dijitso("clean", "--cache-dir", s.Cache).ExitCode);
        Assert.Equal("", s.Dijitso("show", "--signatures", "--no-summary", "--cache-dir", s.Cache).Stdout);
    }

    [Fact]
    public void GrepReadsCompressedAndGzipSources()
    {
        using var s = Populated();
        // A source compressed by the original (gzip) is read too.
        using (var f = File.Create(Path.Combine(s.Cache, "src", "three.cpp.gz")))
        using (var z = new GZipStream(f, CompressionLevel.Fastest))
            z.Write("int add_three(int a) { return a + 3; }\n"u8);
        Result r = s.Dijitso("grep", "add(", "--cache-dir", s.Cache);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("one.cpp:extern \"C\" int add(int a,\none.cpp:extern \"C\" int use() { return add(1, 2) + square(3); }\none.h:int add(int a, int b);\n", r.Stdout);
        Assert.Equal("one.cpp:5:extern \"C\" int add(int a,\n", s.Dijitso("grep", @"int add\(", "--regex", "--line-numbers", "--signature", "one", "--cache-dir", s.Cache).Stdout.Split("one.h")[0]);
        Assert.Equal("one.cpp:2\none.h:1\nthree.cpp:1\n", s.Dijitso("grep", "add", "--count", "--cache-dir", s.Cache).Stdout);
        Assert.Equal("three.cpp\n", s.Dijitso("grep", "return a + 3", "--files-only", "--cache-dir", s.Cache).Stdout);
        Result none = s.Dijitso("grep", "nothing-like-this", "--cache-dir", s.Cache);
        Assert.Equal(1, none.ExitCode);
        Assert.Equal("", none.Stdout);
    }

    [Fact]
    public void GrepFunctionKeepsLineBreaks()
    {
        using var s = Populated();
        Result r = s.Dijitso("grepfunction", "add", "--cache-dir", s.Cache);
        Assert.Equal(0, r.ExitCode);
        string expected = "// one.cpp:5\n" + """
            extern "C" int add(int a,
                               int b)
            {
                int s = a + b;   // { braces in a comment }
                const char* t = "}";
                return s + (t[0] == '}' ? 0 : 1);
            }
            """ + "\n";
        Assert.Equal(expected, r.Stdout);
        Assert.Equal("// one.cpp:5\nextern \"C\" int add(int a,\n                   int b)\n",
            s.Dijitso("grepfunction", "add", "--no-body", "--signature", "one", "--cache-dir", s.Cache).Stdout);
        Assert.Equal("// one.cpp:3\nstatic int square(int x) { return x * x; }\n", s.Dijitso("grepfunction", "square", "--cache-dir", s.Cache).Stdout);
        Assert.Equal(1, s.Dijitso("grepfunction", "missing", "--cache-dir", s.Cache).ExitCode);
    }

    [Fact]
    public void CheckoutCopiesTheEntryDecompressed()
    {
        using var s = Populated();
        Result r = s.Dijitso("checkout", "one", "--cache-dir", s.Cache);
        Assert.Equal(0, r.ExitCode);
        string dir = s["jitcheckout-one"];
        Assert.Equal(["libdijitso-one.so", "one.cpp", "one.h", "one.txt"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order());
        Assert.Equal(Multi + "\n", File.ReadAllText(Path.Combine(dir, "one.cpp")));
        Result missing = s.Dijitso("checkout", "nope", "--cache-dir", s.Cache);
        Assert.Equal(5, missing.ExitCode);
        Assert.Contains("nope is not in the cache", missing.Stderr);
    }
}
