// `make install PREFIX=... DESTDIR=...` (for packagers): the layout of _install/ copied as it is under
// $(DESTDIR)$(PREFIX), working from there on its own; and without PREFIX, `make install` copies nothing.
namespace Lmake.EndToEnd.Tests;

public sealed class InstallPrefixTests
{
    /// <summary>The checkout whose _install/ the tests drive (null when they drive an install from elsewhere,
    /// where `make` cannot be run).</summary>
    private static string? Checkout()
    {
        string? root = Path.GetDirectoryName(Path.GetFullPath(Installed.Root.TrimEnd('/')));
        return root != null && File.Exists(Path.Combine(root, "lmake.tar.gz.mk"))
               && Path.GetFullPath(Path.Combine(root, "_install")) == Path.GetFullPath(Installed.Root.TrimEnd('/')) ? root : null;
    }

    // the make of `make test` exports these: a nested make must not take them (jobserver fds it does not have)
    private static readonly Dictionary<string, string?> NoParentMake = new() { ["MAKEFLAGS"] = null, ["MFLAGS"] = null, ["MAKELEVEL"] = null };

    private static CommandResult Make(string checkout, params string[] args) =>
        Installed.Run("make", args, checkout, NoParentMake, timeout: TimeSpan.FromMinutes(1));

    [Fact]
    public void InstallWithPrefixAndDestdirCopiesTheLayoutWhichWorksOnItsOwn()
    {
        string? checkout = Checkout();
        if (checkout == null) return;   // an install from elsewhere: no Makefile to run
        // `make install` must not rebuild _install/ under the feet of the other tests: it must be up to date
        Assert.True(Make(checkout, "-q", "_install/.stamp").ExitCode == 0, "_install/ is not up to date: run make first");

        using var dest = new TempDir("lmake-destdir-");
        CommandResult r = Make(checkout, "install", "PREFIX=/opt/lmake", "DESTDIR=" + dest.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        string prefix = dest["opt/lmake"];
        foreach (string f in new[] { "bin/lmake", "bin/lshow", "bin/lautodep", "bin/xxhsum", "_bin/lmakeserver", "_bin/job_exec",
                                     "_lib/libautodep.so", "lib/lmake/__init__.py", "share/man/man1/lmake.1",
                                     "share/bash-completion/completions/lmake", "share/bash-completion/completions/lshow" })
            Assert.True(File.Exists(Path.Combine(prefix, f)), $"{f} missing under {prefix}");
        Assert.Equal("../_bin/job_exec", new FileInfo(Path.Combine(prefix, "bin/lautodep")).LinkTarget);   // relative: relocatable
        Assert.False(File.Exists(Path.Combine(prefix, ".stamp")));
        // installing again over it (an upgrade) works too
        CommandResult again = Make(checkout, "install", "PREFIX=/opt/lmake", "DESTDIR=" + dest.Path);
        Assert.True(again.ExitCode == 0, again.ToString());

        // a tiny repo built with the copy alone on PATH
        using var repo = new TempRepo();
        repo.Add("Lmakefile.py", "from lmake.rules import Rule\nclass Cat(Rule):\n    target = 'out'\n    deps = {'IN': 'in'}\n    cmd = 'cat {IN} {IN}'\n");
        repo.Add("in", "x\n");
        var env = new Dictionary<string, string?>
        {
            ["PATH"] = Path.Combine(prefix, "bin") + ":/usr/local/bin:/usr/bin:/bin",
            ["LMAKE_SERVER_IDLE_MS"] = "30000",
        };
        try
        {
            LmakeOutput made = new(Installed.Run(Path.Combine(prefix, "bin/lmake"), ["out"], repo.Path, env));
            Assert.True(made.Result.ExitCode == 0, made.ToString());
            Assert.Equal([("done", "Cat")], made.Jobs.Select(s => (s.Word, s.Rule)));
            Assert.Equal("x\nx\n", repo.Read("out"));
            // the server that ran is the copy's (found beside the client), not the checkout's: it is kept alive
            // (LMAKE_SERVER_IDLE_MS) to be looked at; LMAKE/server's second line is its pid
            string pid = File.ReadAllLines(repo["LMAKE/server"])[1];
            Assert.Equal(Path.Combine(prefix, "_bin/lmakeserver"), new FileInfo($"/proc/{pid}/exe").LinkTarget);
        }
        finally { repo.KillServer(); }
    }

    [Fact]
    public void InstallWithoutPrefixCopiesNothing()
    {
        string? checkout = Checkout();
        if (checkout == null) return;
        CommandResult dry = Make(checkout, "-n", "install");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.DoesNotContain("tar -C _install", dry.Stdout);
        // a PREFIX from the environment with another goal (conda sets one): nothing copied either
        CommandResult other = Installed.Run("make", ["-n", "test"], checkout,
            new Dictionary<string, string?>(NoParentMake) { ["PREFIX"] = "/should/not/be/used" });
        Assert.DoesNotContain("/should/not/be/used", other.Stdout);
        CommandResult with = Make(checkout, "-n", "install", "PREFIX=/opt/x", "DESTDIR=/tmp/y");
        Assert.Contains("tar -C _install", with.Stdout);
    }

    [Fact]
    public void TheTarballCarriesShareToo()
    {
        string? checkout = Checkout();
        if (checkout == null) return;
        // what `make lmake.tar.gz` would run, without building it (-o: _install/ taken as it is)
        CommandResult dry = Make(checkout, "-n", "-B", "-o", "_install/.stamp", "lmake.tar.gz");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("-czf lmake.tar.gz bin _bin lib _lib share", dry.Stdout);
    }
}
