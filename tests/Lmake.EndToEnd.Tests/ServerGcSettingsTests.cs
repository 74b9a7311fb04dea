// The server lmake starts runs with the GC settings lmake gives it (regions of 1 MB: issue 18), while what the rules
// and the jobs see of the environment is the user's: neither the Lmakefile (lmake.user_environ) nor a job finds them.
namespace Lmake.EndToEnd.Tests;

public class ServerGcSettingsTests
{
    private const string Lmakefile = """
        import lmake
        from lmake.rules import Rule
        seen = lmake.user_environ.get('DOTNET_GCRegionSize', 'absent')
        class Show(Rule):
            target = 'show'
            cmd    = 'echo {seen} ${{DOTNET_GCRegionSize:-absent}}'
        """;

    private static string ServerEnviron(LmakeRepo r)
    {
        int pid = int.Parse(File.ReadAllLines(r.Repo["LMAKE/server"])[1]);
        return "\0" + File.ReadAllText($"/proc/{pid}/environ");
    }

    [Fact]
    public void TheServerStartsWithTheSettingsTheRulesAndJobsDoNotSeeThem()
    {
        using var r = new LmakeRepo(Lmakefile);
        var o = new LmakeOutput(Installed.Run(Installed.Bin("lmake"), ["show"], r.Repo.Path,
            new Dictionary<string, string?> { ["LMAKE_SERVER_IDLE_MS"] = "20000", ["DOTNET_GCRegionSize"] = null }));
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("absent absent\n", r.Repo.Read("show"));
        Assert.Contains("\0DOTNET_GCRegionSize=100000\0", ServerEnviron(r));
    }

    [Fact]
    public void AUsersOwnSettingGoesToTheServerAsItIsAndTheLmakefileSeesIt()
    {
        using var r = new LmakeRepo(Lmakefile);
        var o = new LmakeOutput(Installed.Run(Installed.Bin("lmake"), ["show"], r.Repo.Path,
            new Dictionary<string, string?> { ["LMAKE_SERVER_IDLE_MS"] = "20000", ["DOTNET_GCRegionSize"] = "200000" }));
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.StartsWith("200000 ", r.Repo.Read("show"));
        string environ = ServerEnviron(r);
        Assert.Contains("\0DOTNET_GCRegionSize=200000\0", environ);
        Assert.DoesNotContain("LMAKE_SERVER_GC_ADDED", environ);
    }
}
