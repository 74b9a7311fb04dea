// The engine's seam: a JobSpec.CommandHandler answers ldepend -v, lcheck_deps, lencode and ldecode of the
// job; what the handler receives and what the job then sees.
using System.Collections.Concurrent;

namespace Lmake.Autodep.Tests;

public class JobCommandHandlerTests
{
    public JobCommandHandlerTests() => TrackedJob.ShimPath = InstalledTree.Shim;

    private sealed class RecordingHandler : IJobCommandHandler
    {
        public readonly ConcurrentQueue<string> Calls = new();
        public bool UpToDate = true;

        public async Task<IReadOnlyList<DepVerdict>> VerifyDeps(TrackedJob job, IReadOnlyList<string> files)
        {
            Calls.Enqueue("verify " + string.Join(',', files));
            await Task.Delay(50);  // the job waits, the reactor does not
            if (files.Contains("boom")) throw new InvalidOperationException("cannot make boom");
            return files.Select(f => f == "bad" ? new DepVerdict("error", "none") : new DepVerdict("ok", "0123456789abcdef-R")).ToList();
        }

        public bool ThrowOnCheck;

        public Task<bool> CheckDeps(TrackedJob job, IReadOnlyList<string> depsSoFar)
        {
            if (ThrowOnCheck) throw new InvalidOperationException("the engine is shutting down");
            Calls.Enqueue("check " + string.Join(',', depsSoFar));
            return Task.FromResult(UpToDate);
        }

        public Task<string> Encode(TrackedJob job, string table, string context, string value, int minLen)
        {
            Calls.Enqueue($"encode {table} {context} {value.Replace("\n", "\\n")} {minLen}");
            return Task.FromResult("c0de");
        }

        public Task<string?> Decode(TrackedJob job, string table, string context, string code)
        {
            Calls.Enqueue($"decode {table} {context} {code}");
            return Task.FromResult<string?>(code == "c0de" ? "the value" : null);
        }
    }

    private static async Task<JobOutcome> Run(TempRepo repo, string script, IJobCommandHandler handler, AutodepMethod method = AutodepMethod.LdPreload)
    {
        var spec = new JobSpec
        {
            Argv = ["/bin/bash", "-c", script],
            Cwd = repo.Path,
            RepoRoot = repo.Path,
            Environment = new Dictionary<string, string> { ["PATH"] = Path.Combine(InstalledTree.Root, "bin") + ":/usr/bin:/bin" },
            CommandHandler = handler,
            Method = method,
        };
        return await TrackedJob.Start(spec).Completion.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Verify_gets_canonical_names_and_the_job_prints_its_verdicts()
    {
        using var repo = new TempRepo();
        repo.Write("sub/x", "");
        var h = new RecordingHandler();
        var o = await Run(repo, "cd sub && ldepend -veR ../a x ../sub/../bad; echo rc=$?; ldepend -vR ../boom; echo rc=$?", h);
        Assert.Equal(0, o.ExitCode);
        Assert.Equal("ok 0123456789abcdef-R ../a\nok 0123456789abcdef-R x\nerror none ../sub/../bad\nrc=1\nrc=1\n", o.Stdout);
        Assert.Equal("ldepend: cannot make boom\n", o.Stderr);
        Assert.Equal(["verify a,sub/x,bad", "verify boom"], h.Calls);
        var declared = o.Accesses.Where(a => a.Declared).ToList();
        Assert.Equal(["a", "sub/x", "bad", "boom"], declared.Select(a => a.Name));
        Assert.Equal([1, 1, 1, 2], declared.Select(a => a.ParallelGroup));
        Assert.All(declared, a => Assert.Equal(AccessKind.Read, a.Kinds));
        Assert.True(declared[1].ExistedAtFirstRead);
        Assert.False(declared[0].ExistedAtFirstRead);
    }

    [Fact]
    public async Task Check_deps_gets_the_deps_so_far_in_order_and_a_no_fails_the_command()
    {
        using var repo = new TempRepo();
        repo.Write("b", "");
        repo.Write("a", "");
        var h = new RecordingHandler { UpToDate = false };
        var o = await Run(repo, "cat b a; ldepend -I ign; ldepend c; lcheck_deps; echo rc=$?; cat late", h);
        Assert.Equal("rc=1\n", o.Stdout);
        Assert.Contains("lcheck_deps: some deps are not up to date: the job will be rerun\n", o.Stderr);
        Assert.Equal(["check b,a,c"], h.Calls);  // ignored deps are not asked about, later ones not seen yet
    }

    [Fact]
    public async Task A_handler_that_throws_still_answers_the_job()
    {
        using var repo = new TempRepo();
        var o = await Run(repo, "lcheck_deps; echo rc=$?", new RecordingHandler { ThrowOnCheck = true });
        Assert.Equal("rc=1\n", o.Stdout);
        Assert.Equal("lcheck_deps: the engine is shutting down\n", o.Stderr);
    }

    [Fact]
    public async Task Encode_and_decode_get_the_table_from_the_repo_root_and_the_value_as_is()
    {
        using var repo = new TempRepo();
        var h = new RecordingHandler();
        var o = await Run(repo, "mkdir -p s && cd s && printf 'v\\n' | lencode -t ../t/codes -x ctx -l 5 && ldecode -t ../t/codes -x ctx -c c0de && " +
                                "ldecode -t /abs/codes -x ctx -c other; echo rc=$?", h, AutodepMethod.None);
        Assert.Equal("c0de\nthe valuerc=1\n", o.Stdout);
        Assert.Equal("ldecode: no code other in context ctx of /abs/codes\n", o.Stderr);
        Assert.Equal(["encode t/codes ctx v\\n 5", "decode t/codes ctx c0de", "decode /abs/codes ctx other"], h.Calls);
    }

    [Fact]
    public async Task A_listed_directory_is_marked_until_ldepend_D_allows_it()
    {
        using var repo = new TempRepo();
        repo.Write("d/x", "");
        repo.Write("e/x", "");
        var o = await Run(repo, "ls d e >/dev/null; ldepend -D e", new RecordingHandler());
        Assert.Equal(0, o.ExitCode);
        Assert.True(o.Accesses.Single(a => a.Name == "d").ReaddirWithoutOk);
        Access e = o.Accesses.Single(a => a.Name == "e");
        Assert.False(e.ReaddirWithoutOk);
        Assert.Equal(DeclaredDepFlags.ReaddirOk, e.DepFlags);
    }

    [Fact]
    public async Task Patterns_are_in_the_outcome()
    {
        using var repo = new TempRepo();
        var o = await Run(repo, "ltarget -X -i 'gen/.*'; ldepend -X -c 'cfg/.*'; mkdir gen; echo > gen/a", new RecordingHandler());
        Assert.Equal(0, o.ExitCode);
        Assert.Equal([new DeclaredPattern("gen/.*", true, DeclaredDepFlags.None, DeclaredTargetFlags.Incremental),
                      new DeclaredPattern("cfg/.*", false, DeclaredDepFlags.Critical, DeclaredTargetFlags.None)], o.Patterns);
        Assert.Equal(DeclaredTargetFlags.Incremental, o.Accesses.Single(a => a.Name == "gen/a").TargetFlags);
    }

    [Theory]
    [InlineData(AutodepMethod.LdPreload)]
    [InlineData(AutodepMethod.Ptrace)]
    [InlineData(AutodepMethod.None)]
    public async Task Declared_deps_are_ordered_after_the_accesses_made_before_the_call(AutodepMethod method)
    {
        using var repo = new TempRepo();
        repo.Write("first", "");
        repo.Write("third", "");
        var o = await Run(repo, "cat first; ldepend second; cat third; ldepend fourth", new RecordingHandler(), method);
        Assert.Equal(0, o.ExitCode);
        string[] expected = method == AutodepMethod.None ? ["second", "fourth"] : ["first", "second", "third", "fourth"];
        Assert.Equal(expected, o.Accesses.Select(a => a.Name).Where(n => n is "first" or "second" or "third" or "fourth"));
    }

    [Fact]
    public async Task A_request_with_a_wrong_key_is_refused()
    {
        using var repo = new TempRepo();
        var o = await Run(repo, "LMAKE_JOB_CHANNEL=${LMAKE_JOB_CHANNEL%:*}:0000 ldepend a; echo rc=$?", new RecordingHandler());
        Assert.Equal("rc=1\n", o.Stdout);
        Assert.Equal("ldepend: this job is not running any more (or the key is wrong)\n", o.Stderr);
        Assert.DoesNotContain(o.Accesses, a => a.Name == "a");
    }
}
