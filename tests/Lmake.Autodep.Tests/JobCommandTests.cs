// End-to-end: the installed in-job commands (ldepend, ltarget, lcheck_deps, lencode, ldecode) and the Python
// API, run inside jobs of the installed lautodep (which answers them with StandaloneJobCommands).
namespace Lmake.Autodep.Tests;

public class JobCommandTests
{
    private static string Bin => Path.Combine(InstalledTree.Root, "bin");

    /// <summary>Runs a bash script as a lautodep job with the installed bin/ and lib/ on PATH and PYTHONPATH.</summary>
    internal static RunResult InJob(TempRepo repo, string script, string method = "ld_preload") =>
        repo.Lautodep("-m", method, "bash", "-c",
            $"export PATH={Bin}:$PATH PYTHONPATH={Path.Combine(InstalledTree.Root, "lib")} PYTHONDONTWRITEBYTECODE=1; {script}");

    /// <summary>lautodep's listing: name -> (kinds, what ldepend/ltarget said), in order.</summary>
    internal static List<(string Kinds, string Name, string Declared)> Entries(RunResult r)
    {
        var entries = new List<(string, string, string)>();
        foreach (string line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var m = System.Text.RegularExpressions.Regex.Match(line, "^([RSLDXWUMN]+!?|-|~) (.+?)(?:  (.*))?$");
            if (m.Success) entries.Add((m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value));
        }
        return entries;
    }

    private static (string Kinds, string Declared) Entry(RunResult r, string name)
    {
        foreach (var e in Entries(r)) if (e.Name == name && e.Kinds != "~") return (e.Kinds, e.Declared);
        Assert.Fail($"{name} is not listed\n{r}");
        return default;
    }

    [Theory]
    [InlineData("ldepend", "a")]
    [InlineData("ltarget", "a")]
    [InlineData("lcheck_deps")]
    [InlineData("lencode", "-t", "t", "-x", "c")]
    [InlineData("ldecode", "-t", "t", "-x", "c", "-c", "1")]
    public void Outside_a_job_each_command_says_so_and_exits_11(string command, params string[] args)
    {
        using var repo = new TempRepo();
        var r = InstalledTree.Run(Path.Combine(Bin, command), args, repo.Path);
        Assert.True(r.ExitCode == 11, r.ToString());
        Assert.Equal($"{command}: not inside an lmake job ($LMAKE_JOB_CHANNEL is not set): in-job commands run in jobs started by lmake or lautodep\n", r.Stderr);
    }

    [Fact]
    public void A_stale_channel_is_a_clear_error()
    {
        using var repo = new TempRepo();
        var r = repo.Shell($"LMAKE_JOB_CHANNEL=lmake-job-no-such:0123 {Bin}/ldepend a");
        Assert.Equal(11, r.ExitCode);
        Assert.Contains("ldepend: the job's runner cannot be reached at @lmake-job-no-such", r.Stderr);
    }

    [Theory]
    [InlineData("ldepend -Z a", "ldepend: unknown option '-Z'")]
    [InlineData("ltarget --bogus a", "ltarget: unknown option '--bogus'")]
    [InlineData("lcheck_deps extra", "lcheck_deps: unexpected argument 'extra'")]
    [InlineData("lencode -x c < /dev/null", "lencode: -t TABLE is required")]
    [InlineData("lencode -t t -x c -l 0 < /dev/null", "lencode: -l MINLEN must be a number from 1 to 32, not '0'")]
    [InlineData("ldecode -t t -x c", "ldecode: -c CODE is required")]
    [InlineData("ldecode -t t -c 1 -x", "ldecode: option -x needs a value (CONTEXT)")]
    [InlineData("ldepend -v -X 'a.*'", "ldepend: -v and -d cannot be used with -X")]
    [InlineData("ldepend -l a", "ldepend: -l takes no FILE")]
    public void Usage_errors_exit_11_with_one_message(string command, string message)
    {
        using var repo = new TempRepo();
        var r = InJob(repo, $"{command}; echo rc=$?");
        Assert.Contains("rc=11\n", r.Stdout);
        Assert.Contains(message + "\n", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);  // no .NET stack trace
    }

    [Theory]
    [InlineData("ldepend", "-c, --critical", "-E, --essential", "-e, --ignore-error", "-r, --no-required", "-D, --readdir-ok", "-I, --ignore", "-X, --regexpr", "-v, --verbose", "-l, --list")]
    [InlineData("ltarget", "-W, --write", "-i, --incremental", "-p, --phony", "-s, --source-ok", "-I, --ignore", "-X, --regexpr", "-w, --no-warning", "-l, --list")]
    [InlineData("lcheck_deps", "-s, --sync")]
    [InlineData("lencode", "-t, --table TABLE", "-x, --context CONTEXT", "-l, --min-len MINLEN")]
    [InlineData("ldecode", "-t, --table TABLE", "-x, --context CONTEXT", "-c, --code CODE")]
    public void Help_documents_every_option(string command, params string[] options)
    {
        using var repo = new TempRepo();
        var r = InstalledTree.Run(Path.Combine(Bin, command), ["-h"], repo.Path);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith($"usage: {command} ", r.Stdout);
        foreach (string o in options) Assert.Contains(o, r.Stdout);
        Assert.Contains("11 usage error or not inside a job", r.Stdout);
    }

    [Fact]
    public void Ldepend_flags_are_recorded_and_each_call_is_one_parallel_group()
    {
        using var repo = new TempRepo();
        repo.Write("a", "a");
        var r = InJob(repo, "ldepend -c a b; ldepend -E c; ldepend -e d; ldepend -r e; ldepend -D f; ldepend -I g; ldepend --critical --no-required h; ldepend -R i");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(("N", "declared dep:critical group:1"), Entry(r, "a"));
        Assert.Equal(("N!", "declared dep:critical group:1"), Entry(r, "b"));
        Assert.Equal(("N!", "declared dep:essential group:2"), Entry(r, "c"));
        Assert.Equal(("N!", "declared dep:ignore_error group:3"), Entry(r, "d"));
        Assert.Equal(("N!", "declared dep:not_required group:4"), Entry(r, "e"));
        Assert.Equal(("N!", "declared dep:readdir_ok group:5"), Entry(r, "f"));
        Assert.Equal(("-", "declared dep:ignore group:6"), Entry(r, "g"));   // ignored from now on: no access at all
        Assert.Equal(("N!", "declared dep:critical,not_required group:7"), Entry(r, "h"));
        // named only, a dep's content is not looked at (N); -R reads it as the job would
        Assert.Equal(("R!", "declared group:8"), Entry(r, "i"));
    }

    [Fact]
    public void Lautodep_json_has_the_declarations()
    {
        using var repo = new TempRepo();
        var r = repo.Lautodep("--json", "bash", "-c", $"{Bin}/ldepend -c -e a; {Bin}/ltarget -p t");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        var byName = doc.RootElement.GetProperty("accesses").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.True(byName["a"].GetProperty("declared").GetBoolean());
        Assert.Equal(["critical", "ignore_error"], byName["a"].GetProperty("dep_flags").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(1, byName["a"].GetProperty("group").GetInt32());
        Assert.Equal(["phony"], byName["t"].GetProperty("target_flags").EnumerateArray().Select(x => x.GetString()));
        Assert.Empty(byName["t"].GetProperty("kinds").EnumerateArray());
    }

    [Fact]
    public void Deps_read_before_ldepend_come_before_the_declared_ones()
    {
        using var repo = new TempRepo();
        foreach (string f in new[] { "first", "second", "third" }) repo.Write(f, f);
        var r = InJob(repo, "cat first >/dev/null; ldepend second; cat third >/dev/null; ldepend -l");
        Assert.True(r.ExitCode == 0, r.ToString());
        var names = Entries(r).Select(e => e.Name).Where(n => n is "first" or "second" or "third").ToList();
        Assert.Equal(["first", "second", "third"], names);
        Assert.StartsWith("first\nsecond\n", r.Stdout);  // ldepend -l: what was seen when it ran, in order
        Assert.DoesNotContain("third\n", r.Stdout.Split("\nR ")[0]);
    }

    [Fact]
    public void Ldepend_v_prints_status_checksum_and_name_and_fails_on_a_missing_dep()
    {
        using var repo = new TempRepo();
        repo.Write("a", "hello\n");
        repo.Write("sub/b", "");
        string sumA = InstalledTree.Run(Path.Combine(Bin, "xxhsum"), ["a"], repo.Path).Stdout.Trim();
        var r = InJob(repo, "cd sub && ldepend -veR ../a b; echo rc=$?; ldepend -veR ../a ../missing; echo rc=$?; ldepend -v ../a; echo rc=$?");
        Assert.True(r.ExitCode == 0, r.ToString());
        // status with -e, checksum with -R; a required dep that cannot be made is no error of its own, but fails the call
        Assert.StartsWith($"ok {sumA} ../a\nok empty-R b\nrc=0\nok {sumA} ../a\nok none ../missing\nrc=1\n- - ../a\nrc=0\n", r.Stdout);
        Assert.Equal("RN", Entry(r, "a").Kinds);         // names given from sub/ are recorded from the repo root (N: -v without -R)
        Assert.Equal("R", Entry(r, "sub/b").Kinds);
        Assert.Equal("R!", Entry(r, "missing").Kinds);
    }

    [Fact]
    public void Ldepend_follows_symlinks_like_a_read()
    {
        using var repo = new TempRepo();
        repo.Write("real/h", "h");
        repo.Write("sub/x", "");
        var r = InJob(repo, "ln -s real inc; ln -s ../inc/h sub/link; ldepend inc/h sub/link; cd sub && ldepend -v link/../x; echo rc=$?");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(("LW", ""), Entry(r, "inc"));           // made by ln, then crossed
        Assert.Equal(("N", "declared group:1"), Entry(r, "real/h"));
        Assert.Equal("LW", Entry(r, "sub/link").Kinds);
        Assert.Contains("rc=1\n", r.Stdout);                 // link/.. is real/, which has no x
        Assert.Equal(("N!", "declared group:2"), Entry(r, "real/x"));   // -v waits for it, without reading it (-R)
    }

    [Fact]
    public void Ltarget_flags_and_listings()
    {
        using var repo = new TempRepo();
        var r = InJob(repo, "ltarget -W w; ltarget -i i; ltarget -p p; ltarget -s s; ltarget -I ign; ltarget -w nw; echo x > written; " +
                            "mkdir -p d; cd d && ltarget --phony --incremental ../both; ltarget -l");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(("-", "declared target:write"), Entry(r, "w"));
        Assert.Equal(("-", "declared target:incremental"), Entry(r, "i"));
        Assert.Equal(("-", "declared target:phony"), Entry(r, "p"));
        Assert.Equal(("-", "declared target:source_ok"), Entry(r, "s"));
        Assert.Equal(("-", "declared target:ignore"), Entry(r, "ign"));
        Assert.Equal(("-", "declared target:no_warning"), Entry(r, "nw"));
        Assert.Equal(("-", "declared target:incremental,phony"), Entry(r, "both"));
        // ltarget -l: ignored ones left out, names relative to the cwd (d/)
        Assert.StartsWith("../w\n../i\n../p\n../s\n../nw\n../written\n../both\n", r.Stdout);
    }

    [Fact]
    public void Regexpr_declarations_apply_to_names_seen_before_and_after()
    {
        using var repo = new TempRepo();
        repo.Write("tmp/early", "");
        repo.Write("tmp/late", "");
        var r = InJob(repo, "cat tmp/early; ldepend -X -I 'tmp/.*'; cat tmp/late; ltarget -X -p 'out/[0-9]+'; mkdir -p out; echo > out/12; echo > out/x");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(("R", "dep:ignore"), Entry(r, "tmp/early"));
        Assert.Equal(("-", "dep:ignore"), Entry(r, "tmp/late"));   // ignored from the declaration on, not before
        Assert.Equal(("W", "target:phony"), Entry(r, "out/12"));
        Assert.Equal(("W", ""), Entry(r, "out/x"));
        Assert.Contains("~ tmp/.*  dep:ignore\n~ out/[0-9]+  target:phony\n", r.Stdout);
        var bad = InJob(repo, "ldepend -X '('; echo rc=$?");
        Assert.Contains("rc=1\n", bad.Stdout);
        Assert.Equal("ldepend: bad regexpr '(': InsufficientClosingParentheses at offset 1\n", bad.Stderr);
    }

    [Fact]
    public void Lcheck_deps_answers_up_to_date_under_lautodep()
    {
        using var repo = new TempRepo();
        var r = InJob(repo, "lcheck_deps; echo rc=$?; lcheck_deps -s; echo rc=$?");
        Assert.StartsWith("rc=0\nrc=0\n", r.Stdout);
    }

    [Fact]
    public void Lencode_and_ldecode_round_trip_and_an_unknown_code_fails()
    {
        using var repo = new TempRepo();
        var r = InJob(repo, "mkdir -p sub; cd sub; c=$(printf 'long value\\n' | lencode -t ../codes -x ctx -l 4); echo code=$c; " +
                            "ldecode -t ../codes -x ctx -c $c; ldecode -t ../codes -x ctx -c zzz; echo rc=$?; " +
                            "mkdir -p ../dir.codes; d=$(printf 'v' | lencode -t ../dir.codes -x ctx); ldecode -t ../dir.codes -x ctx -c $d; echo");
        Assert.True(r.ExitCode == 0, r.ToString());
        var m = System.Text.RegularExpressions.Regex.Match(r.Stdout, "^code=([0-9a-f]{4,})\nlong value\nrc=1\nv\n");
        Assert.True(m.Success, r.ToString());
        Assert.Equal($"\t{m.Groups[1].Value}\tctx\tlong value\\n\n", File.ReadAllText(repo["codes"]));   // TAB code TAB context TAB value
        Assert.Contains("ldecode: no code zzz in context ctx of ../codes\n", r.Stderr);
    }

    [Fact]
    public void The_codec_version_may_be_3_or_0_and_no_other()
    {
        using var repo = new TempRepo();
        var r = InJob(repo, "printf v | lencode -t codes -x ctx -v 3 -l 2; printf v | lencode -t codes -x ctx --codec-version=0 -l 2; " +
                            "printf v | lencode -t codes -x ctx -v 2; echo rc=$?");
        var m = System.Text.RegularExpressions.Regex.Match(r.Stdout, "^([0-9a-f]{2})\n\\1\nrc=11\n");
        Assert.True(m.Success, r.ToString());
        Assert.Contains("lencode: codec version 2 is not supported (only 3)", r.Stderr);
    }

    [Fact]
    public void Commands_work_with_autodep_none_and_after_env_i()
    {
        using var repo = new TempRepo();
        var none = InJob(repo, "ldepend a", method: "none");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Equal(("N!", "declared group:1"), Entry(none, "a"));
        // env -i drops the environment: the shim gives the job its channel back
        var cleaned = InJob(repo, $"env -i {Bin}/ldepend b");
        Assert.True(cleaned.ExitCode == 0, cleaned.ToString());
        Assert.Equal(("N!", "declared group:1"), Entry(cleaned, "b"));
    }

    [Fact]
    public void Python_api_talks_to_the_runner_directly_and_from_a_close_fds_subprocess()
    {
        using var repo = new TempRepo();
        repo.Write("a", "A");
        repo.Write("x.py", """
            import lmake, subprocess, os
            open('seen').read()
            print(lmake.depend('a', 'gone', critical=True, verbose=True, read=True, ignore_error=True))
            lmake.depend('b', essential=True, required=False)
            lmake.target('t', phony=True)
            print([d for d in lmake.list_deps() if d in ('seen', 'a', 'gone', 'b', 'x.py')], lmake.list_targets())  # python also stats files of its own
            code = lmake.encode('codes', 'ctx', 'multi\nline', 3)
            print(len(code) >= 3, repr(lmake.decode('codes', 'ctx', code)), lmake.decode('codes', 'ctx', code.encode()) == b'multi\nline')
            print(lmake.check_deps())
            subprocess.run(['ldepend', '-c', 'from_child'], close_fds=True, check=True)
            print(lmake.xxhsum_file('a') == subprocess.run(['xxhsum', 'a'], capture_output=True, text=True).stdout.strip())
            try: lmake.decode('codes', 'ctx', 'nope')
            except lmake.JobCommandError as e: print('error:', e)
            """);
        repo.Write("seen", "");
        var r = InJob(repo, "python3 x.py");
        Assert.True(r.ExitCode == 0, r.ToString());
        string sumA = InstalledTree.Run(Path.Combine(Bin, "xxhsum"), ["a"], repo.Path).Stdout.Trim();
        Assert.StartsWith(
            $"{{'a': {{'ok': True, 'checksum': '{sumA}'}}, 'gone': {{'ok': True, 'checksum': 'none'}}}}\n" +
            "['x.py', 'seen', 'a', 'gone', 'b'] ('t',)\n" +
            "True 'multi\\nline' True\nTrue\nTrue\nerror: no code nope in context ctx of codes\n", r.Stdout);
        // group 1: python itself, at start-up, declared the repo root (the script's dir, which it lists to import)
        // listable (lmake.import_machinery, run by lmake's usercustomize)
        Assert.Equal("declared dep:not_required,readdir_ok group:1", Entry(r, ".").Declared);
        Assert.Equal("declared dep:critical,ignore_error group:2", Entry(r, "a").Declared);  // (xxhsum read it too)
        Assert.Equal(("N!", "declared dep:essential,not_required group:3"), Entry(r, "b"));
        Assert.Equal(("-", "declared target:phony"), Entry(r, "t"));
        Assert.Equal(("N!", "declared dep:critical group:4"), Entry(r, "from_child"));
    }

    [Fact]
    public void Python_outside_a_job_raises_a_clear_error()
    {
        using var repo = new TempRepo();
        var r = repo.Shell($"PYTHONPATH={Path.Combine(InstalledTree.Root, "lib")} python3 -c 'import lmake; lmake.depend(\"a\")' 2>&1 | tail -1");
        // (outside a job the call runs bin/ldepend, which explains)
        Assert.Equal("lmake._job_api.JobCommandError: ldepend: not inside an lmake job ($LMAKE_JOB_CHANNEL is not set): in-job commands run in jobs started by lmake or lautodep\n", r.Stdout);
    }

    [Fact]
    public void Autodep_false_hides_the_accesses_of_the_block_and_of_the_processes_it_starts()
    {
        using var repo = new TempRepo();
        foreach (string f in new[] { "before", "hidden", "hidden_by_child", "after" }) repo.Write(f, f);
        repo.Write("x.py", """
            import lmake, subprocess
            open('before').read()
            with lmake.Autodep(False):
                open('hidden').read()
                open('hidden_written', 'w').write('x')
                subprocess.run(['cat', 'hidden_by_child'], stdout=subprocess.DEVNULL, check=True)
                print(lmake.get_autodep())
            open('after').read()
            print(lmake.get_autodep())
            """);
        var r = InJob(repo, "python3 x.py");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("False\nTrue\n", r.Stdout);
        var names = Entries(r).Select(e => e.Name).ToList();
        Assert.Contains("before", names);
        Assert.Contains("after", names);
        Assert.DoesNotContain("hidden", names);
        Assert.DoesNotContain("hidden_written", names);
        Assert.DoesNotContain("hidden_by_child", names);
    }

    [Fact]
    public void Listing_a_directory_is_reported_and_ldepend_D_allows_it()
    {
        using var repo = new TempRepo();
        repo.Write("d/x", "");
        repo.Write("e/y", "");
        var r = InJob(repo, "python3 -c 'import os; os.listdir(\"d\"); list(os.scandir(\"e\"))'; ldepend -D e; ls d > /dev/null");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("D", Entry(r, "d").Kinds);
        Assert.Equal("", Entry(r, "d").Declared);
        Assert.Contains("D", Entry(r, "e").Kinds);
        Assert.Equal("declared dep:readdir_ok group:1", Entry(r, "e").Declared);
    }
}
