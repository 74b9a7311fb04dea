// A broken Lmakefile: exit code 8 and one message naming the file, the line and the rule, never a traceback.
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class LmakefileErrorTests
{
    private const string Head = "import lmake\nfrom lmake.rules import Rule\nlmake.manifest = ('Lmakefile.py',)\n";

    private static void AssertBroken(string lmakefile, string expectedMessage)
    {
        using var repo = new LmakefileRepo(lmakefile);
        var (exit, stdout, stderr) = repo.RunReader();
        Assert.Equal(8, exit);
        Assert.Equal("", stdout);
        Assert.Equal(expectedMessage + "\n", stderr);               // one line, no traceback
        LmakefileException e = repo.ReadFails();
        Assert.Equal(8, e.ExitCode);
        Assert.Equal(expectedMessage, e.Message);
    }

    [Fact]
    public void SyntaxError() =>
        AssertBroken(Head + "class A(Rule)\n    target = 'x'\n", "Lmakefile.py:4: syntax error: expected ':'");

    [Fact]
    public void UnknownConfigKey() =>
        AssertBroken(Head + "lmake.config.path_max = 300\nlmake.config.max_dep_dpth = 3\n",
            "Lmakefile.py:5: config: unknown key 'max_dep_dpth' (known keys: backends, caches, codecs, collect, colors, console, debug, " +
            "disk_date_precision, file_sync, heartbeat, heartbeat_tick, link_support, local_admin_dir, max_dep_depth, max_error_lines, " +
            "network_delay, nice, path_max, req_end_proc, req_start_proc, server_end_proc, server_start_proc, sub_repos, system_tag_proc, trace)");

    [Fact]
    public void UnknownConfigKeyInAWholeDict() =>
        AssertBroken(Head + "\nlmake.config = {'path_max': 10, 'bogus': 1}\n", "Lmakefile.py:5: config: unknown key 'bogus'");

    [Fact]
    public void BadRegexpr() =>
        AssertBroken(Head + "\nclass Compile(Rule):\n    targets = {'OBJ': '{File:a(b}.o'}\n    cmd = 'true'\n",
            "Lmakefile.py:5: rule Compile: bad regexpr for stem File 'a(b': missing ), unterminated subpattern at position 1");

    [Fact]
    public void RegexprPythonAcceptsButDotNetCannotTakeIsRefused() =>
        AssertBrokenOnRead(Head + "\nclass Compile(Rule):\n    targets = {'OBJ': r'{File:(?a:\\w)+}.o'}\n    cmd = 'true'\n",
            "Lmakefile.py:5: rule Compile: bad regexpr for stem File '(?a:\\w)+': the ASCII flag (?a) is not supported");

    private static void AssertBrokenOnRead(string lmakefile, string expectedMessage)
    {
        using var repo = new LmakefileRepo(lmakefile);
        LmakefileException e = repo.ReadFails();
        Assert.Equal(8, e.ExitCode);
        Assert.Equal(expectedMessage, e.Message);
    }

    [Fact]
    public void DuplicateRuleName() =>
        AssertBroken(Head + "\nclass Dup(Rule):\n    target = '{File:.*}.o'\n    cmd = 'true'\n\nclass Dup(Rule):\n    target = '{File:.*}.x'\n    cmd = 'true'\n",
            "Lmakefile.py:9: rule Dup: duplicate rule name (first defined at Lmakefile.py:5)");

    [Fact]
    public void NonCanonicalSource() =>
        AssertBroken("import lmake\nlmake.manifest = ('Lmakefile.py', 'a/../b')\n",
            "Lmakefile.py:2: source 'a/../b': not canonical (no \".\", \"..\" or \"//\" allowed)");

    [Fact]
    public void ExceptionInTheLmakefile() =>
        AssertBroken(Head + "x = 1 / 0\n", "Lmakefile.py:4: ZeroDivisionError: division by zero");

    [Fact]
    public void UnknownFlag() =>
        AssertBroken(Head + "class C(Rule):\n    targets = {'T': ('{F:.*}.o', 'Bogus')}\n    cmd = 'true'\n",
            "Lmakefile.py:4: rule C: target T: unknown flag 'Bogus' (known: essential, incremental, optional, phony, source_ok, no_warning, ignore, top)");

    [Fact]
    public void StemWithoutRegexpr() =>
        AssertBroken(Head + "class C(Rule):\n    target = '{F}.o'\n    cmd = 'true'\n",
            "Lmakefile.py:4: rule C: stem F has no regexpr (define it in stems or as {F:regexpr})");

    [Fact]
    public void StdoutTargetCannotBeAStarTarget() =>
        AssertBroken(Head + "class C(Rule):\n    target = 'out{*:\\d}'\n    cmd = 'true'\n",
            "Lmakefile.py:4: rule C: target: the stdout of cmd cannot be a star target (use targets)");

    [Fact]
    public void UnnamedStemWithoutRegexpr() =>
        AssertBroken(Head + "class C(Rule):\n    targets = {'T': 'out{*}'}\n    cmd = 'true'\n",
            "Lmakefile.py:4: rule C: target T: {*} in 'out{*}': an unnamed stem must be defined ({*:regexpr} or {:regexpr})");

    [Fact]
    public void UnknownRetriedErrorKind() =>
        AssertBroken(Head + "class C(Rule):\n    target = 'out'\n    retried_errors = ('-timeout', 'bogus')\n    cmd = 'true'\n",
            "Lmakefile.py:4: rule C: retried_errors: unknown error kind 'bogus' (known: early_error, job_error, forbidden, panic, termination_error, timeout)");

    [Fact]
    public void ExtraUserAttributesAreNotErrors()
    {
        using var repo = new LmakefileRepo(Head + "class C(Rule):\n    target = '{F:.*}.o'\n    cmd = 'true'\n    my_helper = object()\n    my_list = [1, 2]\n");
        var (exit, _, stderr) = repo.RunReader();
        Assert.True(exit == 0, stderr);
        Assert.Equal("C", Assert.Single(repo.Read().Rules).Name);
    }

    [Fact]
    public void ConfigKeyWithoutEffectYetIsAcceptedAndNoted()
    {
        using var repo = new LmakefileRepo(Head + "lmake.config.heartbeat = 20\nlmake.config.path_max = 123\n");
        Makefiles m = repo.Read();
        Assert.Equal(123, m.Config.PathMax);
        Assert.Equal(["note: lmake.config.heartbeat is accepted but has no effect yet"], m.Notes);
        Assert.Equal(["heartbeat", "path_max"], m.Config.UserSetKeys);
    }

    // Documented features lmake-cs does not build are refused at their line, never silently left out: a job
    // would run another lmake (lmake_root) or on another host (backend). Namespace attributes of a wrong shape
    // are refused there too.
    [Theory]
    [InlineData("lmake.config.sub_repos = ('sub',)", "Lmakefile.py:4: config: key 'sub_repos': sub-repos is not supported by lmake-cs")]
    public void AnUnsupportedConfigFeatureIsRefusedAtItsLine(string line, string expected) =>
        AssertBroken(Head + line + "\n", expected);

    [Theory]
    [InlineData("chroot_actions = ('dns',)", "chroot_actions: unknown action 'dns' (known: user_name, resolv_conf)")]
    [InlineData("chroot_actions = 3", "chroot_actions = 3: expected a list or tuple")]
    [InlineData("kill_daemons = 'yes'", "kill_daemons = 'yes': expected a bool")]
    [InlineData("lmake_root = '/opt/lmake'", "lmake_root is not supported by lmake-cs (running lmake from another install inside the job is not implemented)")]
    [InlineData("views = {'v': 3}", "views['v'] = 3: expected a str (bind) or a dict (upper, lower, copy_up: overlay)")]
    [InlineData("views = {'v': {'lower': 'l'}}", "views['v']: an overlay needs both upper and lower")]
    [InlineData("views = {'v': {'upper': 'u', 'lower': 'l', 'top': 't'}}", "views['v']: unknown key 'top' (known: upper, lower, copy_up)")]
    [InlineData("repo_view = 3", "repo_view = 3: expected a str")]
    [InlineData("backend = 'sge'", "backend 'sge' is not supported by lmake-cs (local and slurm are implemented)")]
    [InlineData("compression = 'fast'", "compression = 'fast': a level (an int) or a (method, level) pair is required")]
    public void AnUnsupportedRuleAttributeIsRefusedAtItsRule(string attr, string expected) =>
        AssertBroken(Head + "class A(Rule):\n    target = 'a'\n    " + attr + "\n    cmd = 'true'\n", "Lmakefile.py:4: rule A: " + expected);

    [Theory]
    [InlineData("{'dir': 'rel/cache'}", "caches.c.dir = 'rel/cache': an absolute path is required")]
    [InlineData("{'dir': '/x', 'size': 3}", "caches.c: unknown attribute 'size' (known: dir, repo_key)")]
    [InlineData("'/x'", "caches.c must be a dict with a dir")]
    public void ACacheOfTheConfigIsChecked(string value, string expected)
    {
        using var repo = new LmakefileRepo(Head + "lmake.config.caches.c = " + value + "\n");
        LmakefileException e = repo.ReadFails();
        Assert.Equal(8, e.ExitCode);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ACacheDirWithinTheRepoIsTakenAsGiven()
    {
        // (a cache dir within the repo, as open-lmake's tests have it)
        using var repo = new LmakefileRepo(Head + "lmake.config.caches.c = {'dir': lmake.repo_root + '/CACHE'}\n",
            ("CACHE/LMAKE/config.py", "size = '2M'\nmax_runs_per_job = 3\n"));
        CacheConfig c = repo.Read().Config.Caches["c"];
        Assert.Equal(Path.Combine(repo.Root, "CACHE"), c.Dir);   // (its size and max_runs_per_job are lcache_server's)
    }

    [Fact]
    public void AnEmptyValueOfAnUnsupportedAttributeIsNoError()
    {
        using var repo = new LmakefileRepo(Head + "class A(Rule):\n    target = 'a'\n    chroot_actions = ()\n    backend = 'local'\n    cmd = 'true'\n");
        var (exit, _, stderr) = repo.RunReader();
        Assert.True(exit == 0, stderr);
    }
}

public class ConfigValueErrorTests
{
    [Fact]
    public void AConfigValueOfTheWrongTypeIsALmakefileError()
    {
        using var repo = new LmakefileRepo("import lmake\nlmake.manifest = ('Lmakefile.py',)\n\nlmake.config.path_max = 'long'\n");
        LmakefileException e = repo.ReadFails();
        Assert.Equal(8, e.ExitCode);
        Assert.Equal("Lmakefile.py:4: config: key 'path_max' = 'long': expected a number", e.Message);
    }

    [Theory]
    [InlineData("lmake.config.backends.local.gpu = 'two'", "local resource gpu = 'two': expected a whole count")]
    [InlineData("lmake.config.backends.local.cpu = 1.5", "local resource cpu = 1.5: expected a whole count")]
    [InlineData("lmake.config.backends.local.licence = -1", "local resource licence = -1: expected a whole count")]
    [InlineData("lmake.config.backends.local.mem = '4X'", "local resource mem = '4X': expected a size in MB or with a unit such as '4G'")]
    public void ALocalCapacityThatIsNoAmountIsALmakefileError(string line, string expected)
    {
        using var repo = new LmakefileRepo($"import lmake\nlmake.manifest = ('Lmakefile.py',)\n\n{line}\n");
        LmakefileException e = repo.ReadFails();
        Assert.Equal(8, e.ExitCode);
        Assert.Equal($"Lmakefile.py:4: config: key 'backends': {expected}", e.Message);
    }

    [Fact]
    public void LocalCapacitiesWrittenAsOpenLmakeWritesThemAreAccepted()
    {
        using var repo = new LmakefileRepo("import lmake\nlmake.manifest = ('Lmakefile.py',)\n" +
            "lmake.config.backends.local.update(cpu=2, mem='4G', tmp='512M', gpu='1', licence=3.0, environ={'A': 'b'})\n");
        Makefiles m = repo.Read();
        Assert.Equal(4096, m.Config.LocalResources["mem"]);
        Assert.Equal(1, m.Config.LocalResources["gpu"]);
        Assert.Equal(3, m.Config.LocalResources["licence"]);
    }
}
