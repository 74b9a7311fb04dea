// Where sources come from (lmake.manifest, a Manifest file, git with submodules), and when the Lmakefile must
// be read again (a file it read or an environment variable it looked at changed).
using System.Diagnostics;
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class ReadsAndSourcesTests
{
    [Fact]
    public void StaleWhenAReadFileChangesNotWhenOnlyTouched()
    {
        using var repo = new LmakefileRepo("import lmake\nimport helper\nlmake.manifest = ('Lmakefile.py', helper.NAME)\n",
            ("helper.py", "NAME = 'a.c'\n"));
        Makefiles m = repo.Read();
        Assert.Equal(["Lmakefile.py", "a.c"], m.Sources);
        Assert.False(m.IsStale(repo.Root));
        string helper = Path.Combine(repo.Root, "helper.py");
        File.SetLastWriteTimeUtc(helper, DateTime.UtcNow.AddSeconds(5));          // same content: not stale
        Assert.False(m.IsStale(repo.Root));
        repo.Write("helper.py", "NAME = 'b.c'\n");                               // an imported module changed
        Assert.True(m.IsStale(repo.Root));
        Assert.Equal(["Lmakefile.py", "b.c"], repo.Read().Sources);
    }

    [Fact]
    public void StaleWhenAnEnvironmentVariableItReadChanges()
    {
        string name = "LMAKE_RULES_TEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using var repo = new LmakefileRepo($"import lmake, os\nlmake.manifest = ('Lmakefile.py', os.environ.get('{name}', 'x.c'))\n");
        Makefiles m = repo.Read();
        Assert.Equal(["Lmakefile.py", "x.c"], m.Sources);
        Assert.True(m.EnvironRead.ContainsKey(name));
        Assert.False(m.IsStale(repo.Root));
        Environment.SetEnvironmentVariable(name, "y.c");
        try { Assert.True(m.IsStale(repo.Root)); }
        finally { Environment.SetEnvironmentVariable(name, null); }
    }

    [Fact]
    public void SourcesFromAManifestFile()
    {
        using var repo = new LmakefileRepo("import lmake\n", ("Manifest", "# my sources\nLmakefile.py\nsrc/a.c   # the main\n\n/usr/include/\n"));
        Makefiles m = repo.Read();
        Assert.Equal("Manifest", m.SourcesOrigin);
        Assert.Equal(["Lmakefile.py", "src/a.c", "Manifest"], m.Sources);
        Assert.Equal(["/usr/include/"], m.SourceDirs);
        repo.Write("Manifest", "Lmakefile.py\n");
        Assert.True(m.IsStale(repo.Root));
    }

    [Fact]
    public void NonCanonicalNameInManifestNamesItsLine()
    {
        using var repo = new LmakefileRepo("import lmake\n", ("Manifest", "Lmakefile.py\n./a.c\n"));
        Assert.Equal("Manifest:2: source './a.c': not canonical (no \".\", \"..\" or \"//\" allowed)", repo.ReadFails().Message);
    }

    [Fact]
    public void SourcesFromGitIncludingSubmodules()
    {
        using var sub = new LmakefileRepo("");
        Git(sub.Root, "init", "-q");
        sub.Write("lib.c", "int f;\n");
        Git(sub.Root, "add", "lib.c");
        Git(sub.Root, "commit", "-q", "-m", "sub");
        using var repo = new LmakefileRepo("import lmake\nfrom lmake.rules import Rule\n", ("a.c", "int main;\n"), ("untracked.c", ""));
        Git(repo.Root, "init", "-q");
        Git(repo.Root, "add", "Lmakefile.py", "a.c");
        Git(repo.Root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.Root, "sub");
        Makefiles m = repo.Read();
        Assert.Equal("git", m.SourcesOrigin);
        Assert.Equal([".gitmodules", "Lmakefile.py", "a.c", "sub/lib.c"], m.Sources.Order(StringComparer.Ordinal));
        Assert.Equal([".git/"], m.SourceDirs);
        Assert.Contains(Path.Combine(repo.Root, ".git", "index"), m.FilesRead);
        Git(repo.Root, "add", "untracked.c");
        Assert.True(m.IsStale(repo.Root));
        Assert.Contains("untracked.c", repo.Read().Sources);
    }

    private static void Git(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = cwd, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["GIT_AUTHOR_NAME"] = psi.Environment["GIT_COMMITTER_NAME"] = "t";
        psi.Environment["GIT_AUTHOR_EMAIL"] = psi.Environment["GIT_COMMITTER_EMAIL"] = "t@t";
        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(" ", args)}: {err}");
    }
}

public class LmakefileShapesTests
{
    [Fact]
    public void WhatTheLmakefilePrintsDoesNotBreakTheDocument()
    {
        using var repo = new LmakefileRepo("import lmake, os\nprint('hello from the Lmakefile')\nos.system('echo from a sub-process')\nlmake.manifest = ('Lmakefile.py',)\n");
        Makefiles m = repo.Read();
        Assert.Equal(["Lmakefile.py"], m.Sources);
        Assert.Equal(["hello from the Lmakefile", "from a sub-process"], m.Notes);
    }

    [Fact]
    public void NestedConfigWithAttributeAccess()
    {
        using var repo = new LmakefileRepo("""
            import lmake
            lmake.manifest = ('Lmakefile.py',)
            lmake.config.backends.local.cpu = 7
            lmake.config.backends.local['gpu'] = 2
            lmake.config.backends.local.environ = {'CC': 'gcc-12'}
            lmake.config.console.history_days = 3
            lmake.config.max_dep_depth = 42
            assert lmake.config_dict()['backends']['local']['cpu'] == 7
            """);
        Makefiles m = repo.Read();
        Assert.Equal(7, m.Config.LocalCpu);
        Assert.Equal(2, m.Config.LocalResources["gpu"]);
        Assert.Equal("gcc-12", m.Config.LocalEnviron["CC"]);
        Assert.Equal(3, m.Config.ConsoleHistoryDays);
        Assert.Equal(42, m.Config.MaxDepDepth);
        Assert.Equal(200, m.Config.PathMax);
    }

    [Fact]
    public void LmakefilePackageAndExtraManifest()
    {
        using var repo = new LmakefileRepo("raise SystemExit('not this one')\n");
        File.Delete(Path.Combine(repo.Root, "Lmakefile.py"));
        repo.Write("Lmakefile/__init__.py", "import lmake\nfrom . import rules\nlmake.manifest = ('Lmakefile/__init__.py', 'Lmakefile/rules.py')\nlmake.extra_manifest = ('gen.py',)\n");
        repo.Write("Lmakefile/rules.py", "from lmake.rules import Rule\nclass Gen(Rule):\n    target = '{F:.*}.gen'\n    cmd = 'python3 gen.py {F}'\n");
        Makefiles m = repo.Read();
        Assert.Equal(["Lmakefile/__init__.py", "Lmakefile/rules.py", "gen.py"], m.Sources);
        Rule gen = Assert.Single(m.Rules);
        Assert.Equal("Lmakefile/rules.py:2", gen.Location);
    }
}
