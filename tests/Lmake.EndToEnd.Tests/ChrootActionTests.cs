// chroot_actions (rules.md): what lmake prepares in a chroot_dir's /etc for the job: user_name (passwd, group and
// nsswitch.conf naming root and the caller) and resolv_conf (the native resolv.conf). The image itself is never
// written: the files live in the root lmake builds for the job.
namespace Lmake.EndToEnd.Tests;

public class ChrootActionTests
{
    private static LmakeRepo Repo(ChrootImage image, string actions, string cmd) => new($$"""
        from lmake.rules import Rule
        class InImage(Rule):
            chroot_dir     = '{{image.Path}}'
            lmake_view     = '/lmake'
            repo_view      = '/repo'
            chroot_actions = {{actions}}
            target         = 'out'
            cmd            = '{{cmd}}'
        """);

    [Fact]
    public void User_name_lets_the_job_name_its_user_in_an_image_without_etc()
    {
        using var image = new ChrootImage("/usr/bin/id");
        using (var bare = Repo(image, "()", "id -un"))
        {
            LmakeOutput o = bare.Lmake("out");
            Assert.Equal(1, o.Result.ExitCode);   // the image has no /etc/passwd: id cannot name the user
        }
        using var r = Repo(image, "('user_name',)", "id -un ; id -gn");
        LmakeOutput ok = r.Lmake("out");
        Assert.True(ok.Result.ExitCode == 0, ok.ToString());
        string user = Installed.Shell("id -un").Stdout.Trim(), group = Installed.Shell("id -gn").Stdout.Trim();
        Assert.Equal($"{user}\n{group}\n", r.Repo.Read("out"));
        Assert.False(Directory.Exists(image["etc"]), "the image was written");
    }

    [Fact]
    public void Resolv_conf_shows_the_native_resolver_settings_in_the_image()
    {
        Assert.True(File.Exists("/etc/resolv.conf"), "this test needs a native /etc/resolv.conf");
        using var image = new ChrootImage("/usr/bin/cat");
        image.Write("etc/hostname", "image\n");
        using var r = Repo(image, "('resolv_conf',)", "cat /etc/resolv.conf /etc/hostname");
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(File.ReadAllText("/etc/resolv.conf") + "image\n", r.Repo.Read("out"));   // the image's other files stay
        Assert.False(File.Exists(image["etc/resolv.conf"]), "the image was written");
    }

    [Fact]
    public void Another_list_of_actions_reruns_the_job()
    {
        using var image = new ChrootImage("/usr/bin/cat");
        using var r = Repo(image, "()", "[ -f /etc/resolv.conf ] && cat /etc/resolv.conf ; echo end");
        Assert.True(r.Lmake("out").Result.ExitCode == 0);
        Assert.Equal("end\n", r.Repo.Read("out"));
        r.Repo.Add("Lmakefile.py", File.ReadAllText(r.Repo["Lmakefile.py"]).Replace("chroot_actions = ()", "chroot_actions = ('resolv_conf',)"));
        LmakeOutput o = r.Lmake("out");
        Assert.Contains(new Status("done", "InImage", "out"), o.Statuses);
        Assert.Equal(File.ReadAllText("/etc/resolv.conf") + "end\n", r.Repo.Read("out"));
    }
}
