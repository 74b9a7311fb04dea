// A job started in a namespace (JobSpec.Namespace, through _bin/job_namespace): it sees its views, and what it
// touches through them is reported under the repo's real names, with the shim and with ptrace alike.
namespace Lmake.Autodep.Tests;

public class NamespaceTrackingTests
{
    public NamespaceTrackingTests()
    {
        TrackedJob.ShimPath = InstalledTree.Shim;
        TrackedJob.NamespaceHelperPath = Path.Combine(InstalledTree.Root, "_bin", "job_namespace");
    }

    private static JobSpec Bash(TempRepo repo, string script, JobNamespace ns, AutodepMethod method) => new()
    {
        Argv = ["/bin/bash", "-c", script],
        Cwd = repo.Path,
        RepoRoot = repo.Path,
        Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
        Method = method,
        Namespace = ns,
    };

    [Theory]
    [InlineData(AutodepMethod.LdPreload)]
    [InlineData(AutodepMethod.Ptrace)]
    public async Task Accesses_through_a_bound_view_are_reported_under_the_physical_dir(AutodepMethod method)
    {
        using var repo = new TempRepo();
        repo.Write("phy/in", "data");
        Directory.CreateDirectory(repo["logical"]);
        string root = repo.Path;
        var ns = new JobNamespace
        {
            Mounts = [new NamespaceMount { Source = repo["phy"], Destination = root + "/logical" }],
            Cwd = root,
            RepoRoot = root,
            NameMaps = [new ViewNameMap(root + "/logical", root + "/phy")],
        };
        var job = TrackedJob.Start(Bash(repo, "cat logical/in; echo x > logical/out", ns, method));
        JobOutcome o = await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Equal("data", o.Stdout);
        Assert.Equal("x\n", File.ReadAllText(repo["phy/out"]));   // the view is the physical dir
        Assert.Contains(o.Accesses, a => a.Name == "phy/in" && (a.Kinds & AccessKind.Read) != 0);
        Assert.Contains(o.Accesses, a => a.Name == "phy/out" && (a.Kinds & AccessKind.Write) != 0);
        Assert.DoesNotContain(o.Accesses, a => a.Name.StartsWith("logical", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(AutodepMethod.LdPreload)]
    [InlineData(AutodepMethod.Ptrace)]
    public async Task A_repo_seen_at_a_new_top_level_name_is_tracked_under_its_own_names(AutodepMethod method)
    {
        using var repo = new TempRepo();
        repo.Write("sub/in", "data");
        using var newRoot = new TempRepo();
        const string View = "/lmake_autodep_test_repo";
        var ns = new JobNamespace
        {
            NewRoot = newRoot.Path,
            Mounts = [new NamespaceMount { Source = repo.Path, Destination = View }],
            Cwd = View,
            RepoRoot = View,
        };
        var job = TrackedJob.Start(Bash(repo, $"pwd; cd sub && cat in {View}/sub/in", ns, method));
        JobOutcome o = await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Equal(View + "\ndatadata", o.Stdout);
        Assert.Contains(o.Accesses, a => a.Name == "sub/in" && (a.Kinds & AccessKind.Read) != 0);
        Assert.False(Directory.Exists(View));
    }

    [Fact]
    public async Task A_view_whose_dir_is_missing_stops_the_job_with_one_line()
    {
        using var repo = new TempRepo();
        var ns = new JobNamespace
        {
            Mounts = [new NamespaceMount { Source = repo["missing"], Destination = repo.Path + "/v" }],
            Cwd = repo.Path,
            RepoRoot = repo.Path,
        };
        var job = TrackedJob.Start(Bash(repo, "echo never", ns, AutodepMethod.LdPreload));
        JobOutcome o = await job.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(126, o.ExitCode);
        Assert.Equal("", o.Stdout);
        Assert.Equal($"lmake: cannot set up the job's namespace: view source {repo["missing"]}: No such file or directory\n", o.Stderr);
    }
}
