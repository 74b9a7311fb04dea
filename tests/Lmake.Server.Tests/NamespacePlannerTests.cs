// NamespacePlanner: from a job's repo_view, tmp_view, lmake_view, chroot_dir and views to the mounts of its
// namespace, the names the tracker maps back, and one message for what cannot be set up.
using Lmake.Autodep;
using Lmake.Server.Backends;
using Lmake.Server.Rules;

namespace Lmake.Server.Tests;

public sealed class NamespacePlannerTests : IDisposable
{
    private readonly string _top = Directory.CreateTempSubdirectory("ns-plan-").FullName;
    private string Repo => Path.Combine(_top, "repo");
    private string Tmp => Path.Combine(_top, "tmp");
    private string Install => Path.Combine(_top, "install");

    public NamespacePlannerTests()
    {
        foreach (string d in (string[])[Repo, Tmp, Install]) Directory.CreateDirectory(d);
    }

    public void Dispose() => Directory.Delete(_top, recursive: true);

    private NamespaceSite Site => new(Repo, Tmp, Install, Path.Combine(Repo, "LMAKE/namespace/root"),
        Path.Combine(Repo, "LMAKE/namespace/work/slot1"), Path.Combine(Install, "_lib/libautodep.so"));

    private JobNamespace Plan(JobViews views)
    {
        JobNamespace? ns = NamespacePlanner.Plan(views, Site, out string? error);
        Assert.True(ns is not null, error);
        return ns!;
    }

    private string Refusal(JobViews views)
    {
        Assert.Null(NamespacePlanner.Plan(views, Site, out string? error));
        return error!;
    }

    [Fact]
    public void A_repo_view_that_does_not_exist_is_bound_in_a_root_made_for_the_job()
    {
        JobNamespace ns = Plan(new JobViews { RepoView = "/lmake_plan_repo/" });
        Assert.Equal(Site.NewRootDir, ns.NewRoot);
        Assert.Equal("/lmake_plan_repo", ns.Cwd);
        Assert.Equal("/lmake_plan_repo", ns.RepoRoot);
        NamespaceMount m = Assert.Single(ns.Mounts);
        Assert.Equal((Repo, "/lmake_plan_repo"), (m.Source, m.Destination));
    }

    [Fact]
    public void An_existing_view_is_mounted_in_place()
    {
        JobNamespace ns = Plan(new JobViews { TmpView = "/tmp" });
        Assert.Null(ns.NewRoot);
        Assert.Contains(ns.Mounts, m => m.Source == Tmp && m.Destination == "/tmp");
        Assert.Equal(Repo, ns.Cwd);
    }

    [Fact]
    public void A_view_over_the_dir_holding_the_repo_binds_the_repo_again_after_it()
    {
        // the repo is under /tmp here (a temp dir): a tmp_view of /tmp would hide it
        JobNamespace ns = Plan(new JobViews { TmpView = "/tmp" });
        int tmpAt = ns.Mounts.ToList().FindIndex(m => m.Destination == "/tmp");
        int repoAt = ns.Mounts.ToList().FindIndex(m => m.Destination == Repo);
        Assert.True(Repo.StartsWith("/tmp/") ? repoAt > tmpAt : repoAt < 0);
    }

    [Fact]
    public void A_bound_view_in_the_repo_is_made_and_mapped_to_its_physical_dir()
    {
        JobNamespace ns = Plan(new JobViews { RepoView = "/r", Views = [new ViewSpec("log/", "phy/", null, [], [])] });
        Assert.True(Directory.Exists(Path.Combine(Repo, "log")));
        Assert.True(Directory.Exists(Path.Combine(Repo, "phy")));
        Assert.Equal(["/r", "/r/log"], ns.Mounts.Select(m => m.Destination));   // parents first
        Assert.Equal(Path.Combine(Repo, "phy"), ns.Mounts[1].Source);
        Assert.Equal(new ViewNameMap("/r/log", "/r/phy"), Assert.Single(ns.NameMaps));
        Assert.Equal("/r/phy/a/b", JobNamespace.MapName(ns.NameMaps, "/r/log/a/b"));
        Assert.Equal("/r/phy", JobNamespace.MapName(ns.NameMaps, "/r/log"));
        Assert.Equal("/r/logx", JobNamespace.MapName(ns.NameMaps, "/r/logx"));
    }

    [Fact]
    public void Names_an_in_job_command_sends_go_back_to_native_names()
    {
        JobNamespace ns = Plan(new JobViews { RepoView = "/r", Views = [new ViewSpec("log", "phy", null, [], [])] });
        Assert.Equal(Repo + "/phy/x", ns.NativeName("/r/log/x", Repo));
        Assert.Equal(Repo + "/sub", ns.NativeName("/r/sub", Repo));
        Assert.Equal(Repo, ns.NativeName("/r", Repo));
        Assert.Equal("/usr/bin", ns.NativeName("/usr/bin", Repo));
    }

    [Fact]
    public void An_overlay_in_tmp_gets_a_fresh_work_dir_and_its_copy_up()
    {
        Directory.CreateDirectory(Path.Combine(Tmp, "lower/d"));
        File.WriteAllText(Path.Combine(Tmp, "lower/d/f"), "content");
        JobNamespace ns = Plan(new JobViews
        {
            TmpView = "/tmp",
            Views = [new ViewSpec("/tmp/merged", null, "/tmp/upper", ["/tmp/lower"], ["d/f", "made/"])],
        });
        NamespaceMount overlay = Assert.Single(ns.Mounts, m => m.IsOverlay);
        Assert.Equal("/tmp/merged", overlay.Destination);
        Assert.Equal(Path.Combine(Tmp, "upper"), overlay.Upper);
        Assert.Equal([Path.Combine(Tmp, "lower")], overlay.Lowers);
        Assert.True(Directory.Exists(overlay.Work) && !Directory.EnumerateFileSystemEntries(overlay.Work!).Any());
        Assert.Equal("content", File.ReadAllText(Path.Combine(Tmp, "upper/d/f")));
        Assert.True(Directory.Exists(Path.Combine(Tmp, "upper/made")));
        Assert.True(Directory.Exists(Path.Combine(Tmp, "merged")));
    }

    [Fact]
    public void Lmake_view_moves_the_install_in_the_environment_and_the_shim()
    {
        var views = new JobViews { LmakeView = "/lm" };
        JobNamespace ns = Plan(views);
        Assert.Equal("/lm/_lib/libautodep.so", ns.ShimPath);
        var env = new Dictionary<string, string> { ["PATH"] = Install + "/bin:/usr/bin", ["PYTHONPATH"] = Install + "/lib", ["TMPDIR"] = Tmp };
        NamespacePlanner.AdjustEnvironment(env, views, Site);
        Assert.Equal("/lm/bin:/usr/bin", env["PATH"]);
        Assert.Equal("/lm/lib", env["PYTHONPATH"]);
        Assert.Equal(Tmp, env["TMPDIR"]);
    }

    [Fact]
    public void Tmp_view_and_repo_view_are_what_the_environment_says()
    {
        var views = new JobViews { TmpView = "/t", RepoView = "/r" };
        var env = new Dictionary<string, string> { ["TMPDIR"] = Tmp, ["REPO_ROOT"] = Repo, ["HOME"] = Repo };
        NamespacePlanner.AdjustEnvironment(env, views, Site);
        Assert.Equal(("/t", "/r", "/r"), (env["TMPDIR"], env["REPO_ROOT"], env["HOME"]));
    }

    [Fact]
    public void Chroot_dir_slash_is_a_namespace_with_no_mount()
    {
        JobNamespace ns = Plan(new JobViews { ChrootDir = "/" });
        Assert.Null(ns.NewRoot);
        Assert.Empty(ns.Mounts);
        Assert.Equal(["-n", "-d", Repo], ns.HelperArguments());
    }

    [Fact]
    public void Chroot_dir_builds_the_job_root_from_that_dir_and_needs_lmake_view()
    {
        string image = Path.Combine(_top, "image");
        Directory.CreateDirectory(Path.Combine(image, "usr"));
        Assert.Contains("lmake's install", Refusal(new JobViews { ChrootDir = image, RepoView = "/r" }));
        JobNamespace ns = Plan(new JobViews { ChrootDir = image, RepoView = "/r", LmakeView = "/lm" });
        Assert.Equal(["-R", Site.NewRootDir, "-C", image, "-b", Repo, "/r", "-b", Install, "/lm", "-d", "/r"], ns.HelperArguments());
        Assert.Equal("/lm/_lib/libautodep.so", ns.ShimPath);
    }

    [Fact]
    public void A_chroot_dir_that_is_not_a_dir_is_refused() =>
        Assert.Contains("is not a dir", Refusal(new JobViews { ChrootDir = "/no_such_lmake_image" }));

    [Fact]
    public void The_helper_is_told_every_mount_in_order()
    {
        JobNamespace ns = Plan(new JobViews { RepoView = "/r", TmpView = "/t" });
        Assert.Equal(["-R", Site.NewRootDir, "-b", Repo, "/r", "-b", Tmp, "/t", "-d", "/r"], ns.HelperArguments());
    }

    [Theory]
    [InlineData("repo", "repo_view repo: an absolute name")]
    [InlineData("/a/../b", "an absolute name (with no '..')")]
    public void A_bad_repo_view_is_refused(string view, string message) =>
        Assert.Contains(message, Refusal(new JobViews { RepoView = view }));

    [Fact]
    public void A_deep_external_view_must_exist() =>
        Assert.Contains("/no_such_lmake_dir/deeper does not exist", Refusal(new JobViews { Views = [new ViewSpec("/no_such_lmake_dir/deeper", "/usr", null, [], [])] }));

    [Fact]
    public void A_dir_of_the_repo_cannot_be_seen_at_an_external_view() =>
        Assert.Contains("cannot be seen at an external view", Refusal(new JobViews { Views = [new ViewSpec("/ext_view", "phy", null, [], [])] }));

    [Fact]
    public void Repo_view_cannot_lie_in_tmp_view() =>
        Assert.Contains("lies in tmp_view", Refusal(new JobViews { TmpView = "/t", RepoView = "/t/r" }));
}
