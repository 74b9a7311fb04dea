// One case per libc entry point (and variant) the shim wraps: a C program does exactly that one call on
// files of a fresh repo, and lautodep must list exactly the expected accesses, no more, no less.
namespace Lmake.Autodep.Tests;

public class EntryPointTests
{
    // Files of each fresh repo: f (content), d/ with d/f2, lnk -> f, d2/ (empty), script.sh (#!/bin/sh), lib.so.
    private const string Program = """
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <dlfcn.h>
        #include <fcntl.h>
        #include <limits.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/stat.h>
        #include <sys/time.h>
        #include <unistd.h>
        #include <utime.h>
        int __open_2(const char *, int);
        ssize_t __readlink_chk(const char *, char *, size_t, size_t);
        char *__realpath_chk(const char *, char *, size_t);
        int main(int argc, char **argv) {
            const char *c = argv[1];
            struct stat st; struct statx stx; char buf[PATH_MAX]; struct dirent **list;
            int r = 0;
            if (!strcmp(c, "open")) r = open("f", O_RDONLY);
            else if (!strcmp(c, "open64")) r = open64("f", O_RDONLY);
            else if (!strcmp(c, "openat_dirfd")) { int d = open("d", O_RDONLY | O_DIRECTORY); r = openat(d, "f2", O_RDONLY); }
            else if (!strcmp(c, "openat64_cwd")) r = openat64(AT_FDCWD, "f", O_RDONLY);
            else if (!strcmp(c, "__open_2")) r = __open_2("f", O_RDONLY);
            else if (!strcmp(c, "open_missing")) r = open("nope", O_RDONLY) < 0 ? 0 : 1;
            else if (!strcmp(c, "open_write")) r = open("new", O_WRONLY | O_CREAT, 0644);
            else if (!strcmp(c, "open_rdwr")) r = open("f", O_RDWR);
            else if (!strcmp(c, "open_nofollow_path")) r = open("lnk", O_PATH | O_NOFOLLOW);
            else if (!strcmp(c, "creat")) r = creat("new", 0644);
            else if (!strcmp(c, "fopen_r")) r = fopen("f", "r") ? 0 : -1;
            else if (!strcmp(c, "fopen_w")) r = fopen("new", "w") ? 0 : -1;
            else if (!strcmp(c, "fopen64_append")) r = fopen64("f", "a") ? 0 : -1;
            else if (!strcmp(c, "fopen_rplus")) r = fopen("f", "r+") ? 0 : -1;
            else if (!strcmp(c, "freopen")) r = freopen("f", "r", stdin) ? 0 : -1;
            else if (!strcmp(c, "stat")) r = stat("f", &st);
            else if (!strcmp(c, "stat_missing")) r = stat("nope", &st) < 0 ? 0 : 1;
            else if (!strcmp(c, "stat_through_link")) r = stat("lnk", &st);
            else if (!strcmp(c, "lstat")) r = lstat("lnk", &st);
            else if (!strcmp(c, "fstatat")) r = fstatat(AT_FDCWD, "d/f2", &st, 0);
            else if (!strcmp(c, "statx")) r = statx(AT_FDCWD, "f", 0, STATX_SIZE, &stx);
            else if (!strcmp(c, "access")) r = access("f", R_OK);
            else if (!strcmp(c, "faccessat")) r = faccessat(AT_FDCWD, "f", R_OK, 0);
            else if (!strcmp(c, "readlink")) r = readlink("lnk", buf, sizeof buf) > 0 ? 0 : -1;
            else if (!strcmp(c, "realpath")) r = realpath("lnk", buf) ? 0 : -1;
            else if (!strcmp(c, "__readlink_chk")) r = __readlink_chk("lnk", buf, sizeof buf, sizeof buf) > 0 ? 0 : -1;
            else if (!strcmp(c, "__realpath_chk")) r = __realpath_chk("lnk", buf, sizeof buf) ? 0 : -1;
            else if (!strcmp(c, "opendir")) r = opendir("d") ? 0 : -1;
            else if (!strcmp(c, "scandir")) r = scandir("d", &list, NULL, alphasort) >= 0 ? 0 : -1;
            else if (!strcmp(c, "execv_script")) { char *a[] = {"script.sh", NULL}; execv("./script.sh", a); r = -1; }
            else if (!strcmp(c, "execvp_path")) { setenv("PATH", "d2:/bin:/usr/bin", 1); char *a[] = {"true", NULL}; execvp("true", a); r = -1; }
            else if (!strcmp(c, "rename")) r = rename("f", "g");
            else if (!strcmp(c, "renameat")) r = renameat(AT_FDCWD, "f", AT_FDCWD, "d/g");
            else if (!strcmp(c, "unlink")) r = unlink("f");
            else if (!strcmp(c, "unlinkat")) r = unlinkat(AT_FDCWD, "d2", AT_REMOVEDIR);
            else if (!strcmp(c, "rmdir")) r = rmdir("d2");
            else if (!strcmp(c, "link")) r = link("f", "h");
            else if (!strcmp(c, "symlink")) r = symlink("f", "sl");
            else if (!strcmp(c, "mkdir")) r = mkdir("m", 0755);
            else if (!strcmp(c, "mkdirat")) r = mkdirat(AT_FDCWD, "d/m", 0755);
            else if (!strcmp(c, "truncate")) r = truncate("f", 0);
            else if (!strcmp(c, "chmod")) r = chmod("f", 0600);
            else if (!strcmp(c, "utime")) r = utime("f", NULL);
            else if (!strcmp(c, "utimes")) r = utimes("f", NULL);
            else if (!strcmp(c, "utimensat")) r = utimensat(AT_FDCWD, "f", NULL, 0);
            else if (!strcmp(c, "dlopen")) r = dlopen("./lib.so", RTLD_NOW) ? 0 : -1;
            else if (!strcmp(c, "chdir")) { r = chdir("d"); if (r == 0) r = open("f2", O_RDONLY); }
            else if (!strcmp(c, "fchdir")) { int d = open("d", O_RDONLY | O_DIRECTORY); r = fchdir(d); if (r == 0) r = stat("f2", &st); }
            else { fprintf(stderr, "unknown case %s\n", c); return 2; }
            return r < 0 ? 1 : 0;
        }
        """;

    public static TheoryData<string, string> Cases => new()
    {
        { "open", "R f" },
        { "open64", "R f" },
        { "openat_dirfd", "S d|R d/f2" },
        { "openat64_cwd", "R f" },
        { "__open_2", "R f" },
        { "open_missing", "R! nope" },
        { "open_write", "W new" },
        { "open_rdwr", "RW f" },
        { "open_nofollow_path", "S lnk" },
        { "creat", "W new" },
        { "fopen_r", "R f" },
        { "fopen_w", "W new" },
        { "fopen64_append", "W f" },
        { "fopen_rplus", "RW f" },
        { "freopen", "R f" },
        { "stat", "S f" },
        { "stat_missing", "S! nope" },
        { "stat_through_link", "L lnk|S f" },
        { "lstat", "S lnk" },
        { "fstatat", "S d/f2" },
        { "statx", "S f" },
        { "access", "S f" },
        { "faccessat", "S f" },
        { "readlink", "L lnk" },
        { "realpath", "L lnk|S f" },
        { "__readlink_chk", "L lnk" },
        { "__realpath_chk", "L lnk|S f" },
        { "opendir", "D d" },
        { "scandir", "D d" },
        { "execv_script", "RX script.sh" },  // executed, then read by its interpreter
        { "execvp_path", "S! d2/true" },
        { "rename", "U f|W g" },
        { "renameat", "U f|W d/g" },
        { "unlink", "U f" },
        { "unlinkat", "U d2" },
        { "rmdir", "U d2" },
        { "link", "R f|W h" },
        { "symlink", "W sl" },
        { "mkdir", "M m" },
        { "mkdirat", "M d/m" },
        { "truncate", "W f" },
        { "chmod", "W f" },
        { "utime", "W f" },
        { "utimes", "W f" },
        { "utimensat", "W f" },
        { "dlopen", "R lib.so" },
        { "chdir", "R d/f2" },
        { "fchdir", "S d|S d/f2" },
    };

    private static readonly Lazy<string> s_binaries = new(BuildBinaries);

    // The program and lib.so are built once, outside any repo: only the repo's own files are listed.
    private static string BuildBinaries()
    {
        string dir = Directory.CreateTempSubdirectory("lmake-autodep-bin-").FullName;
        File.WriteAllText(Path.Combine(dir, "prog.c"), Program);
        File.WriteAllText(Path.Combine(dir, "lib.c"), "int lib_value(void) { return 1; }\n");
        var r = InstalledTree.Run("/bin/bash", ["-c", "gcc -O1 -o prog prog.c -ldl && gcc -shared -fPIC -o lib.so lib.c"], dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        return dir;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_entry_point_records_exactly_its_accesses(string entryPoint, string expected)
    {
        using var repo = new TempRepo();
        repo.Write("f", "content");
        repo.Write("d/f2", "content");
        repo.Write("script.sh", "#!/bin/sh\nexit 0\n");
        var setup = repo.Shell($"ln -s f lnk && mkdir d2 && chmod +x script.sh && cp {s_binaries.Value}/lib.so .");
        Assert.True(setup.ExitCode == 0, setup.ToString());
        File.Delete(repo["Lmakefile.py"]);  // the repo root is then the cwd: nothing but the case's files
        var r = repo.Lautodep(Path.Combine(s_binaries.Value, "prog"), entryPoint);
        Assert.True(r.ExitCode == 0, $"{entryPoint}: {r}");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, string.Join('|', lines));
    }
}
