// In-job commands inside real lmake builds (spec B, A4, A5): what the engine does with ldepend, ltarget,
// lcheck_deps, lencode/ldecode and with a directory listed without readdir_ok.
namespace Lmake.EndToEnd.Tests;

public class EngineJobCommandTests
{
    /// <summary>`X.gen` is generated; `X.use` runs <paramref name="useCmd"/>, which reads X.gen in its own way.</summary>
    private static string GenAndUse(string useCmd) => $$"""
        from lmake.rules import Rule
        class Gen(Rule):
            targets = {'T': r'{F:.*}.gen'}
            cmd     = 'echo generated > {T}'
        class Use(Rule):
            targets = {'T': r'{F:.*}.use'}
            cmd     = '{{useCmd}}'
        """;

    [Fact]
    public void ADepDeclaredWithLdependReadRerunsTheJobWhenItChanges()
    {
        // -R: the job is said to have read it (without -R, only its errors would matter: DepAccessTests)
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Stamp(Rule):
                targets = {'T': r'{F:.*}.stamp'}
                cmd     = 'ldepend -R {F}.in; echo stamped > {T}'
            """);
        r.Repo.Add("a.in", "1\n");
        LmakeOutput first = r.Lmake("a.stamp");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["done"], first.Words("a.stamp"));
        LmakeOutput again = r.Lmake("a.stamp");
        Assert.Empty(again.Jobs);
        r.Repo.Write("a.in", "2\n");
        LmakeOutput changed = r.Lmake("a.stamp");
        Assert.True(changed.Result.ExitCode == 0, changed.ToString());
        Assert.Equal(["steady"], changed.Words("a.stamp"));   // it ran again, and made the same file
    }

    [Fact]
    public void LdependVerboseMakesTheDepFirstAndPrintsItsChecksum()
    {
        // -e: its status, -R: its checksum (read: the job saw its content)
        using var r = new LmakeRepo(GenAndUse("ldepend -v -e -R {F}.gen > {T}; cat {F}.gen >> {T}"));
        LmakeOutput o = r.Lmake("a.use");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        string expected = Installed.Run(Installed.Bin("xxhsum"), [r.Repo["a.gen"]], r.Repo.Path).Stdout.Trim();
        Assert.Equal($"ok {expected} a.gen\ngenerated\n", r.Repo.Read("a.use"));
        Assert.Equal(["done"], o.Words("a.gen"));
        // it waited for it (may_rerun); named when it was not there yet, the job runs again on it, as open-lmake does
        Assert.Equal(["may_rerun", "done"], o.Words("a.use"));
    }

    [Fact]
    public void AJobWaitingOnLdependVerboseLendsItsSlotToTheDep()
    {
        // with -j1 the only slot is the waiting job's: held, the dep could never run
        using var r = new LmakeRepo(GenAndUse("ldepend -v {F}.gen > /dev/null; cat {F}.gen > {T}"));
        LmakeOutput o = r.Lmake("-j", "1", "a.use");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("generated\n", r.Repo.Read("a.use"));
        Assert.Equal(["may_rerun", "done"], o.Words("a.use"));
    }

    [Fact]
    public void AFileDeclaredWithLtargetMayBeWritten()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class W(Rule):
                targets = {'T': r'{F:.*}.t'}
                cmd     = 'ltarget side_{F}; echo x > side_{F}; echo y > {T}'
            """);
        LmakeOutput o = r.Lmake("a.t");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("x\n", r.Repo.Read("side_a"));
    }

    [Fact]
    public void LcheckDepsStopsAJobThatReadAStaleDepAndRerunsIt()
    {
        using var r = new LmakeRepo(GenAndUse("cat {F}.gen > {T} 2>/dev/null; lcheck_deps; echo checked >> {T}"));
        LmakeOutput o = r.Lmake("a.use");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("generated\nchecked\n", r.Repo.Read("a.use"));
        Assert.Contains("rerun", o.Words("a.use"));
    }

    [Fact]
    public void ADirectoryListedWithoutReaddirOkFailsTheJob()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class List(Rule):
                targets = {'T': r'{F:.*}.list'}
                cmd     = 'ls {F} > {T}'
            class ListOk(Rule):
                targets = {'T': r'{F:.*}.oklist'}
                readdir_ok = True
                cmd     = 'ls {F} > {T}'
            """);
        r.Repo.Add("d/x", "x\n");
        LmakeOutput bad = r.Lmake("d.list");
        Assert.Equal(1, bad.Result.ExitCode);
        Assert.Equal(["failed"], bad.Words("d.list"));
        Assert.Contains("  readdir of d without readdir_ok", bad.Other);
        LmakeOutput ok = r.Lmake("d.oklist");
        Assert.True(ok.Result.ExitCode == 0, ok.ToString());
        Assert.Equal("x\n", r.Repo.Read("d.oklist"));
    }

    [Fact]
    public void CodesEncodedByOneJobDecodeInAnother()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Enc(Rule):
                targets = {'T': r'{F:.*}.code'}
                cmd     = 'echo -n "value of {F}" | lencode -t codes -x ctx -l 3 > {T}'
            class Dec(Rule):
                targets = {'T': r'{F:.*}.value'}
                deps    = {'C': '{F}.code'}
                cmd     = 'ldecode -t codes -x ctx -c $(cat {C}) > {T}'
            """);
        r.Repo.Add("codes", "");
        LmakeOutput o = r.Lmake("a.value", "b.value");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("value of a", r.Repo.Read("a.value").TrimEnd('\n'));
        Assert.Equal("value of b", r.Repo.Read("b.value").TrimEnd('\n'));
        Assert.Equal(2, r.Repo.Read("codes").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void IgnoringDepsByRegexprKeepsThoseReadBefore()
    {
        // ldepend -I -X: what the job read before stays a dep (made), what it reads after is none (not made)
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Part(Rule):
                target = r'part_{N:.*}'
                cmd    = 'echo {N}'
            class Use(Rule):
                target    = 'use'
                stderr_ok = True
                cmd       = "cat part_before ; ldepend -I -X 'part_.*' ; cat part_after || : ; echo used"
            """);
        LmakeOutput o = r.Lmake("use");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("part_before"));
        Assert.Empty(o.Words("part_after"));
        Assert.Equal("before\nused\n", r.Repo.Read("use"));
    }

    [Fact]
    public void PythonDependVerboseGivesOkAndChecksumPerDep()
    {
        // ok with ignore_error (a dep nothing makes is not in error), checksum with read; a required dep nothing
        // makes still puts the job in dep_error
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import PyRule
            class Probe(PyRule):
                target = r'probe_{Req:[01]}'
                def cmd():
                    print(lmake.depend('nothing_makes_it', verbose=True, read=True, ignore_error=True, required=Req == '1'))
                    print(lmake.depend('src', verbose=True))
            """);
        r.Repo.Add("src", "s\n");
        LmakeOutput o = r.Lmake("probe_0");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("{'nothing_makes_it': {'ok': True, 'checksum': 'none'}}\n{'src': {'ok': None, 'checksum': None}}\n",
            r.Repo.Read("probe_0"));
        LmakeOutput required = r.Lmake("probe_1");
        Assert.Equal(1, required.Result.ExitCode);
        Assert.Equal(["dep_error"], required.Words("probe_1"));
    }
}
