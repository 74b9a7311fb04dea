// Codec tables served by lmake (codec.md): each association a job encoded or decoded is a dep of its own, so a
// job reruns only when its association changes, not when the table gets others; the table file is rewritten in
// canonical form when read (`reformat`) or first read as it is (`expand`), and after jobs added to it
// (`update`); a table dir outside the repo, named by lmake.config.codecs, is repaired with lcodec_repair.
namespace Lmake.EndToEnd.Tests;

public class CodecTableTests
{
    private const string EncodeDecodeLmakefile = """
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', 'codes')
        class Enc(Rule):
            target = r'{F:\w+}.enc'
            cmd    = 'code=$(echo -n "value of {F}" | lencode -t codes -x ctx -l 3) ; echo $code ; ldecode -t codes -x ctx -c $code'
        """;

    [Fact]
    public void A_job_reruns_only_when_the_association_it_used_changes()
    {
        using var r = new LmakeRepo(EncodeDecodeLmakefile);
        r.Repo.Add("codes", "\n");   // a blank line: not canonical
        LmakeOutput first = r.Lmake("a.enc", "b.enc");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["new", "reformat", "update"], first.Words("codes"));
        Assert.Equal(2, first.Count("done"));
        string aCode = r.Repo.Read("a.enc").Split('\n')[0];
        Assert.Equal(3, aCode.Length);
        // the file holds the two associations, sorted, in the canonical form
        string[] lines = r.Repo.Read("codes").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"\t{aCode}\tctx\tvalue of a", lines);
        Assert.Equal(lines.OrderBy(l => l.Split('\t')[1], StringComparer.Ordinal), lines);

        LmakeOutput again = r.Lmake("a.enc", "b.enc");
        Assert.True(again.Result.ExitCode == 0, again.ToString());
        Assert.Empty(again.Statuses);   // lmake's own writes to the table are no change

        // another association added by hand: the table changed, no job used that association
        File.AppendAllText(r.Repo["codes"], "\tzz\tctx\tsomething else\n");
        LmakeOutput other = r.Lmake("a.enc", "b.enc");
        Assert.True(other.Result.ExitCode == 0, other.ToString());
        Assert.Equal(["changed", "expand"], other.Words("codes"));   // appended after every generated code: still sorted
        Assert.Empty(other.Jobs);

        // a code given by hand to a.enc's value replaces the generated one: that job only reruns, and sees it
        File.AppendAllText(r.Repo["codes"], "\tA\tctx\tvalue of a\n");
        LmakeOutput mine = r.Lmake("a.enc", "b.enc");
        Assert.True(mine.Result.ExitCode == 0, mine.ToString());
        Assert.Equal(["changed", "reformat"], mine.Words("codes"));
        Assert.Equal(["done"], mine.Words("a.enc"));
        Assert.Empty(mine.Words("b.enc"));
        Assert.Equal("A\nvalue of a", r.Repo.Read("a.enc"));
        Assert.DoesNotContain(aCode, r.Repo.Read("codes"));
    }

    [Fact]
    public void A_table_dir_outside_the_repo_is_named_by_a_config_key_and_repaired_by_lcodec_repair()
    {
        using var outside = new TempDir();
        string table = outside["shared/sub"];
        Directory.CreateDirectory(table);
        using var r = new LmakeRepo($$"""
            import lmake
            from lmake.rules import PyRule
            lmake.manifest = ('Lmakefile.py', '{{outside.Path}}/')
            lmake.config.codecs.shared = '{{table}}/'
            class Enc(PyRule):
                target = r'{F:\w+}.enc'
                def cmd():
                    code = lmake.encode('shared', 'ctx', 'value of ' + F, 4)
                    print(code)
                    print(lmake.decode('shared', 'ctx', code))
            class Dec(PyRule):
                target = r'{C:\w+}.dec'
                def cmd():
                    print(lmake.decode('shared', 'ctx', C))
            """);
        LmakeOutput first = r.Lmake("a.enc");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["done"], first.Words("a.enc"));
        Assert.DoesNotContain(first.Statuses, s => s.Rule == "src");   // a table dir has no status lines
        string code = r.Repo.Read("a.enc").Split('\n')[0];
        // the dir form: the decode link of the code, and an encode link (named by the value's checksum) to it
        Assert.StartsWith("../../store/", new FileInfo(Path.Combine(table, "tab", "ctx", code + ".decode")).LinkTarget);
        Assert.Contains(Directory.GetFiles(Path.Combine(table, "tab", "ctx"), "*.encode"), l => new FileInfo(l).LinkTarget == code + ".decode");

        // no such code yet: the job fails
        LmakeOutput missing = r.Lmake("mine.dec");
        Assert.Equal(1, missing.Result.ExitCode);
        Assert.Equal(["failed"], missing.Words("mine.dec"));

        // a value given by hand, made an association by lcodec_repair -r: the job that needed it reruns
        File.WriteAllText(Path.Combine(table, "tab", "ctx", "mine.decode"), "my value");
        CommandResult dry = Installed.Run(Installed.Bin("lcodec_repair"), ["-n", "-r", table]);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("ln -s ../../store/", dry.Stdout);
        Assert.Equal("my value", File.ReadAllText(Path.Combine(table, "tab", "ctx", "mine.decode")));
        Assert.Null(new FileInfo(Path.Combine(table, "tab", "ctx", "mine.decode")).LinkTarget);   // -n: nothing done
        CommandResult repair = Installed.Run(Installed.Bin("lcodec_repair"), ["-f", "-r", table]);
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.NotNull(new FileInfo(Path.Combine(table, "tab", "ctx", "mine.decode")).LinkTarget);
        LmakeOutput found = r.Lmake("mine.dec", "a.enc");
        Assert.True(found.Result.ExitCode == 0, found.ToString());
        Assert.Equal(["done"], found.Words("mine.dec"));
        Assert.Empty(found.Words("a.enc"));   // its association is untouched
        Assert.Equal("my value\n", r.Repo.Read("mine.dec"));
    }

    [Fact]
    public void In_the_script_of_ldebug_lencode_ldecode_and_lcheck_deps_answer_without_a_runner()
    {
        using var r = new LmakeRepo(EncodeDecodeLmakefile.Replace("-c $code'", "-c $code ; lcheck_deps'"));
        r.Repo.Add("codes", "");
        LmakeOutput made = r.Lmake("a.enc");
        Assert.True(made.Result.ExitCode == 0, made.ToString());
        string byLmake = r.Repo.Read("a.enc");
        File.Delete(r.Repo["a.enc"]);
        CommandResult debug = r.Repo.Run("ldebug", "a.enc");
        Assert.True(debug.ExitCode == 0, debug.ToString());
        // the same code, read from the table by lencode itself (ldebug shows the job's stdout rather than write its target)
        Assert.Equal(byLmake.TrimEnd('\n'), debug.Stdout.TrimEnd('\n'));   // (the output is read by lines)
        // outside a job and outside ldebug, the commands still refuse
        CommandResult outside = r.Repo.Run("ldecode", "-t", "codes", "-x", "ctx", "-c", byLmake.Split('\n')[0]);
        Assert.Equal(11, outside.ExitCode);
    }

    [Fact]
    public void A_cached_run_is_taken_only_when_the_associations_it_used_hold_the_same()
    {
        using var cache = new TempDir("lmake-cache-");
        cache.Write("LMAKE/config.py", "size = '1M'\n");
        string lmakefile = $$"""
            import lmake
            from lmake.rules import Rule
            lmake.manifest = ('Lmakefile.py', 'codes')
            lmake.config.caches.shared = {'dir': '{{cache.Path}}'}
            class Val(Rule):
                target = r'{C:\w+}.val'
                cache  = 'shared'
                cmd    = 'ldecode -t codes -x ctx -c {C}'
            """;
        string codes = "\tk1\tctx\tone\n\tk2\tctx\ttwo\n";
        using (var first = new LmakeRepo(lmakefile))
        {
            first.Repo.Add("codes", codes);
            LmakeOutput o = first.Lmake("k1.val");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            Assert.Equal(["new", "expand"], o.Words("codes"));
            Assert.Equal(["done"], o.Words("k1.val"));
        }
        // another repo whose table gives k1 the same value, whatever else it holds: the run is taken from the cache
        using (var same = new LmakeRepo(lmakefile))
        {
            same.Repo.Add("codes", "\tk0\tctx\tzero\n" + codes);
            LmakeOutput o = same.Lmake("k1.val");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            Assert.Equal(["hit_done"], o.Words("k1.val"));
            Assert.Equal("one", same.Repo.Read("k1.val"));
        }
        // one whose k1 stands for another value: the job runs
        using var other = new LmakeRepo(lmakefile);
        other.Repo.Add("codes", "\tk1\tctx\tuno\n");
        LmakeOutput miss = other.Lmake("k1.val");
        Assert.True(miss.Result.ExitCode == 0, miss.ToString());
        Assert.Equal(["done"], miss.Words("k1.val"));
        Assert.Equal("uno", other.Repo.Read("k1.val"));
    }

    [Fact]
    public void A_table_reached_through_a_symbolic_link_is_followed()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.manifest = ('Lmakefile.py', 'codes', 'real_codes')
            class Val(Rule):
                target = r'{C:\w+}.val'
                cmd    = 'ldecode -t codes -x ctx -c {C}'
            """);
        r.Repo.Add("real_codes", "\tk2\tctx\ttwo\n\tk1\tctx\tone\n");   // out of order
        File.CreateSymbolicLink(r.Repo["codes"], "real_codes");
        r.Repo.Git("add", "codes");
        LmakeOutput first = r.Lmake("k1.val");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Contains("reformat", first.Words("codes"));
        Assert.Equal("real_codes", new FileInfo(r.Repo["codes"]).LinkTarget);   // the link stays, its target is sorted
        Assert.Equal("\tk1\tctx\tone\n\tk2\tctx\ttwo\n", r.Repo.Read("real_codes"));
        File.WriteAllText(r.Repo["real_codes"], "\tk1\tctx\tuno\n\tk2\tctx\ttwo\n");
        LmakeOutput edited = r.Lmake("k1.val");
        Assert.True(edited.Result.ExitCode == 0, edited.ToString());
        Assert.Equal(["done"], edited.Words("k1.val"));
        Assert.Equal("uno", r.Repo.Read("k1.val"));
    }
}
