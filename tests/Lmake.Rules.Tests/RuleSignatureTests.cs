// A rule's signature (what makes its jobs stale when it changes) is built in buffers kept per thread (issue 18):
// it must not depend on the rules compiled before it, and must stay what jobs recorded.
using System.Text;
using System.Text.Json.Nodes;
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class RuleSignatureTests
{
    // rules of various sizes (a hundred deps, a long cmd) and shapes (stems, flags, a python cmd, dynamic attributes)
    private const string ManyRules = """
        import lmake
        from lmake.rules import Rule, PyRule

        lmake.manifest = ('Lmakefile.py', 'a.c')

        class Compile(Rule):
            targets = {'OBJ': r'{Dir:.+}/{Base:[^/]+}.o', 'LOG': (r'{Dir}/{Base}.log', 'incremental', 'optional')}
            deps    = {'SRC': '{Dir}/{Base}.c', 'HDR': ('{Dir}/common.h', 'critical')}
            cmd     = 'gcc -c -o {OBJ} {SRC} 2>{LOG}'

        class Run(PyRule):
            target = r'{File:.*}.out'
            deps   = {'EXE': '{File}.exe'}
            def cmd():
                print(EXE)

        def timeout_of(): return 10

        for g in range(6):
            class Archive(Rule):
                name    = f'Archive{g:02d}'
                targets = {'LIB': f'lib/g{g:02d}/libg.a'}
                deps    = {f'O{i}': f'lib/g{g:02d}/f{i:03d}.o' for i in range(20 * g)}
                cmd     = 'ar rcs {LIB} ' + ' '.join(f'lib/g{g:02d}/f{i:03d}.o' for i in range(20 * g))
                if g % 2 == 0: timeout = timeout_of
        """;

    [Fact]
    public void SignatureDoesNotDependOnWhatWasCompiledBefore()
    {
        using var repo = new LmakefileRepo(ManyRules);
        string json = repo.Read().ToJson();
        Makefiles first = Makefiles.FromJson(json);
        // the same rules in reverse order: each signature now built after another (larger or smaller) one on this thread
        JsonNode reversed = JsonNode.Parse(json)!;
        JsonArray rules = reversed["rules"]!.AsArray();
        var items = rules.Select(n => n!.DeepClone()).Reverse().ToList();
        rules.Clear();
        foreach (JsonNode n in items) rules.Add(n);
        Makefiles back = Makefiles.FromJson(reversed.ToJsonString());
        Assert.Equal(first.Rules.Select(r => (r.Name, r.CmdSignature, r.SignatureHash)).OrderBy(x => x.Name, StringComparer.Ordinal),
                     back.Rules.Select(r => (r.Name, r.CmdSignature, r.SignatureHash)).OrderBy(x => x.Name, StringComparer.Ordinal));
        Assert.Equal(8, first.Rules.Count);
        Assert.Equal(8, first.Rules.Select(r => r.CmdSignature).Distinct().Count());
        Assert.Contains(first.Rules, r => r.Deps.Count == 100);
        Assert.All(first.Rules, r => Assert.Equal(Lmake.Common.Checksums.XxHash.Xxh3_64(Encoding.UTF8.GetBytes(r.CmdSignature)) | 1, r.SignatureHash));
    }

    [Fact]
    public void SignatureFollowsWhatMakesJobsStale()
    {
        using var repo = new LmakefileRepo(ManyRules);
        string json = repo.Read().ToJson();
        string Of(string doc, string rule) => Makefiles.FromJson(doc).Rules.Single(r => r.Name == rule).CmdSignature;
        string before = Of(json, "Compile");
        Assert.Equal(before, Of(json, "Compile"));
        // a dep's flags are not in it, its text is; a target's flags are
        Assert.NotEqual(before, Of(json.Replace("{Dir}/common.h", "{Dir}/other.h"), "Compile"));
        Assert.NotEqual(before, Of(json.Replace("\"essential\",\"incremental\",\"optional\"", "\"essential\",\"incremental\""), "Compile"));
        Assert.Equal(Of(json, "Archive03"), Of(json.Replace("\"flags\":[\"essential\",\"required\"]", "\"flags\":[\"essential\"]"), "Archive03"));
    }

    [Fact]
    public void UnknownFlagsAreStillNamedWithTheirDep()
    {
        using var repo = new LmakefileRepo(ManyRules);
        string json = repo.Read().ToJson().Replace("[\"critical\",\"essential\",\"required\"]", "[\"crucial\",\"essential\",\"required\"]");
        Assert.Contains("crucial", json);
        LmakefileException e = Assert.Throws<LmakefileException>(() => Makefiles.FromJson(json));
        Assert.Equal("dep HDR: unknown dep flag crucial", e.Message);   // (as before: a dep's flags are not checked with the rule's name)
    }
}
