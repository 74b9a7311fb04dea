// The server lmake starts runs with the GC settings lmake gives it (regions of 1 MB, a first generation of 16 MB at
// most: issue 18), while what the rules
// and the jobs see of the environment is the user's: neither the Lmakefile (lmake.user_environ) nor a job finds them.
namespace Lmake.EndToEnd.Tests;

public class ServerGcSettingsTests
{
    private const string Lmakefile = """
        import lmake
        from lmake.rules import Rule
        seen = lmake.user_environ.get('DOTNET_GCRegionSize', 'absent') + ' ' + lmake.user_environ.get('DOTNET_GCGen0MaxBudget', 'absent')
        class Show(Rule):
            target = 'show'
            cmd    = 'echo {seen} ${{DOTNET_GCRegionSize:-absent}} ${{DOTNET_GCGen0MaxBudget:-absent}}'
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
            new Dictionary<string, string?> { ["LMAKE_SERVER_IDLE_MS"] = "20000", ["DOTNET_GCRegionSize"] = null, ["DOTNET_GCGen0MaxBudget"] = null }));
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("absent absent absent absent\n", r.Repo.Read("show"));
        string environ = ServerEnviron(r);
        Assert.Contains("\0DOTNET_GCRegionSize=100000\0", environ);
        Assert.Contains("\0DOTNET_GCGen0MaxBudget=1000000\0", environ);
    }

    [Fact]
    public void AUsersOwnSettingGoesToTheServerAsItIsAndTheLmakefileSeesIt()
    {
        using var r = new LmakeRepo(Lmakefile);
        var o = new LmakeOutput(Installed.Run(Installed.Bin("lmake"), ["show"], r.Repo.Path,
            new Dictionary<string, string?> { ["LMAKE_SERVER_IDLE_MS"] = "20000", ["DOTNET_GCRegionSize"] = "200000", ["DOTNET_GCGen0MaxBudget"] = null }));
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        // the user's own is seen by the Lmakefile, the one lmake added is not (a job has its rule's environment: neither)
        Assert.Equal("200000 absent absent absent\n", r.Repo.Read("show"));
        string environ = ServerEnviron(r);
        Assert.Contains("\0DOTNET_GCRegionSize=200000\0", environ);
        Assert.Contains("\0DOTNET_GCGen0MaxBudget=1000000\0", environ);
        Assert.Contains("\0LMAKE_SERVER_GC_ADDED=DOTNET_GCGen0MaxBudget\0", environ);
    }
}
