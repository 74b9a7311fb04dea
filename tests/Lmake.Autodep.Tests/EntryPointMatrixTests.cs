// The table-driven entry-point test of both tracking methods: a C program reaches the files of a fresh repo
// through exactly one libc entry point (or raw syscall) per case, selected by argv[1]; it runs built
// dynamically under ld_preload and ptrace, and built -static under ptrace, and the recorded accesses must be
// exactly the expected ones. Where ptrace, which sees syscalls, differs from the shim, which sees libc
// calls, the case says what differs and why (PtraceDifferences).
namespace Lmake.Autodep.Tests;

public class EntryPointMatrixTests
{
    // Files of each fresh repo: f, d/f2, lnk -> f, dlnk -> d, d2/ (empty), script.sh (#!/bin/sh), lib.so.
    private const string Program = """
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <dlfcn.h>
        #include <fcntl.h>
        #include <limits.h>
        #include <spawn.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/stat.h>
        #include <sys/syscall.h>
        #include <sys/time.h>
        #include <sys/wait.h>
        #include <sys/xattr.h>
        #include <unistd.h>
        #include <utime.h>
        extern char **environ;
        int __open_2(const char *, int);
        int __open64_2(const char *, int);
        int __openat_2(int, const char *, int);
        ssize_t __readlink_chk(const char *, char *, size_t, size_t);
        char *__realpath_chk(const char *, char *, size_t);
        static int run_and_wait(pid_t p) { int st; if (p < 0 || waitpid(p, &st, 0) != p) return -1; return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1; }
        static int list(DIR *d) { if (!d) return -1; int n = 0; while (readdir(d)) n++; closedir(d); return n > 0 ? 0 : -1; }
        int main(int argc, char **argv) {
            const char *c = argv[1];
            struct stat st; struct stat64 st64; struct statx stx; char buf[PATH_MAX]; struct dirent **names;
            int r = 0;
            #define CASE(name) else if (!strcmp(c, name))
            if (0) {}
            CASE("open") r = open("f", O_RDONLY);
            CASE("open64") r = open64("f", O_RDONLY);
            CASE("openat_dirfd") { int d = open("d", O_RDONLY | O_DIRECTORY); r = openat(d, "f2", O_RDONLY); }
            CASE("openat64_cwd") r = openat64(AT_FDCWD, "f", O_RDONLY);
            CASE("__open_2") r = __open_2("f", O_RDONLY);
            CASE("__open64_2") r = __open64_2("f", O_RDONLY);
            CASE("__openat_2") r = __openat_2(AT_FDCWD, "d/f2", O_RDONLY);
            CASE("open_missing") r = open("nope", O_RDONLY) < 0 ? 0 : -1;
            CASE("open_in_missing_dir") r = open("nodir/nope", O_RDONLY) < 0 ? 0 : -1;
            CASE("open_write") r = open("new", O_WRONLY | O_CREAT, 0644);
            CASE("open_write_failed") r = open("nodir/new", O_WRONLY | O_CREAT, 0644) < 0 ? 0 : -1;
            CASE("open_excl") r = open("new", O_WRONLY | O_CREAT | O_EXCL, 0644);
            CASE("open_rdwr") r = open("f", O_RDWR);
            CASE("open_rdwr_trunc") r = open("f", O_RDWR | O_TRUNC);
            CASE("open_through_link") r = open("lnk", O_RDONLY);
            CASE("open_nofollow_path") r = open("lnk", O_PATH | O_NOFOLLOW);
            CASE("open_dotdot") r = open("d/../d2/../f", O_RDONLY);
            CASE("open_through_dir_link") r = open("dlnk/f2", O_RDONLY);
            CASE("open_absolute") { if (!getcwd(buf, sizeof buf - 4)) return 1; strcat(buf, "/f"); r = open(buf, O_RDONLY); }
            CASE("stat_outside_repo") r = stat("/etc/passwd", &st);
            CASE("creat") r = creat("new", 0644);
            CASE("creat64") r = creat64("new", 0644);
            CASE("fopen_r") r = fopen("f", "r") ? 0 : -1;
            CASE("fopen64_r") r = fopen64("f", "r") ? 0 : -1;
            CASE("fopen_w") r = fopen("new", "w") ? 0 : -1;
            CASE("fopen64_append") r = fopen64("f", "a") ? 0 : -1;
            CASE("fopen_rplus") r = fopen("f", "r+") ? 0 : -1;
            CASE("freopen") r = freopen("f", "r", stdin) ? 0 : -1;
            CASE("freopen64") r = freopen64("d/f2", "r", stdin) ? 0 : -1;
            CASE("stat") r = stat("f", &st);
            CASE("stat64") r = stat64("f", &st64);
            CASE("stat_missing") r = stat("nope", &st) < 0 ? 0 : -1;
            CASE("stat_through_link") r = stat("lnk", &st);
            CASE("lstat") r = lstat("lnk", &st);
            CASE("lstat64") r = lstat64("lnk", &st64);
            CASE("fstatat") r = fstatat(AT_FDCWD, "d/f2", &st, 0);
            CASE("fstatat_nofollow") r = fstatat(AT_FDCWD, "lnk", &st, AT_SYMLINK_NOFOLLOW);
            CASE("fstatat_dirfd") { int d = open("d", O_RDONLY | O_DIRECTORY); r = fstatat(d, "f2", &st, 0); }
            CASE("statx") r = statx(AT_FDCWD, "f", 0, STATX_SIZE, &stx);
            CASE("statx_nofollow") r = statx(AT_FDCWD, "lnk", AT_SYMLINK_NOFOLLOW, STATX_SIZE, &stx);
            CASE("access") r = access("f", R_OK);
            CASE("access_missing") r = access("nope", F_OK) < 0 ? 0 : -1;
            CASE("faccessat") r = faccessat(AT_FDCWD, "f", R_OK, 0);
            CASE("faccessat_nofollow") r = faccessat(AT_FDCWD, "lnk", F_OK, AT_SYMLINK_NOFOLLOW);
            CASE("euidaccess") r = euidaccess("f", R_OK);
            CASE("readlink") r = readlink("lnk", buf, sizeof buf) > 0 ? 0 : -1;
            CASE("readlinkat") r = readlinkat(AT_FDCWD, "lnk", buf, sizeof buf) > 0 ? 0 : -1;
            CASE("__readlink_chk") r = __readlink_chk("lnk", buf, sizeof buf, sizeof buf) > 0 ? 0 : -1;
            CASE("realpath") r = realpath("lnk", buf) ? 0 : -1;
            CASE("__realpath_chk") r = __realpath_chk("lnk", buf, sizeof buf) ? 0 : -1;
            CASE("opendir") r = list(opendir("d"));
            CASE("fdopendir") r = list(fdopendir(open("d", O_RDONLY | O_DIRECTORY)));
            CASE("scandir") r = scandir("d", &names, NULL, alphasort) > 0 ? 0 : -1;
            CASE("execv_script") { char *a[] = {"script.sh", NULL}; execv("./script.sh", a); r = -1; }
            CASE("execve") { char *a[] = {"script.sh", NULL}; execve("script.sh", a, environ); r = -1; }
            CASE("execl") { execl("./script.sh", "script.sh", (char *)NULL); r = -1; }
            CASE("execvp_path") { setenv("PATH", "d2:/bin:/usr/bin", 1); char *a[] = {"true", NULL}; execvp("true", a); r = -1; }
            CASE("posix_spawn") { pid_t p; char *a[] = {"script.sh", NULL}; r = posix_spawn(&p, "script.sh", NULL, NULL, a, environ) ? -1 : run_and_wait(p); }
            CASE("system") r = system("cat f >/dev/null") == 0 ? 0 : -1;
            CASE("dlopen") r = dlopen("./lib.so", RTLD_NOW) ? 0 : -1;
            CASE("rename") r = rename("f", "g");
            CASE("renameat") r = renameat(AT_FDCWD, "f", AT_FDCWD, "d/g");
            CASE("renameat2_noreplace") r = renameat2(AT_FDCWD, "f", AT_FDCWD, "g", RENAME_NOREPLACE);
            CASE("renameat2_exchange") r = renameat2(AT_FDCWD, "f", AT_FDCWD, "d/f2", RENAME_EXCHANGE);
            CASE("unlink") r = unlink("f");
            CASE("unlink_missing") r = unlink("nope") < 0 ? 0 : -1;
            CASE("unlinkat_dir") r = unlinkat(AT_FDCWD, "d2", AT_REMOVEDIR);
            CASE("rmdir") r = rmdir("d2");
            CASE("remove") r = remove("f");
            CASE("link") r = link("f", "h");
            CASE("linkat_follow") r = linkat(AT_FDCWD, "lnk", AT_FDCWD, "h", AT_SYMLINK_FOLLOW);
            CASE("symlink") r = symlink("f", "sl");
            CASE("symlinkat") { int d = open("d", O_RDONLY | O_DIRECTORY); r = symlinkat("f2", d, "sl"); }
            CASE("mkdir") r = mkdir("m", 0755);
            CASE("mkdirat") r = mkdirat(AT_FDCWD, "d/m", 0755);
            CASE("truncate") r = truncate("f", 0);
            CASE("chmod") r = chmod("f", 0600);
            CASE("fchmodat") r = fchmodat(AT_FDCWD, "d/f2", 0600, 0);
            CASE("setxattr") r = setxattr("f", "user.k", "v", 1, 0);
            CASE("lsetxattr") r = lsetxattr("d/f2", "user.k", "v", 1, 0);
            CASE("removexattr") r = setxattr("/dev/null", "user.k", "v", 1, 0) < 0 && removexattr("f", "user.k") < 0 ? 0 : -1;
            CASE("utime") r = utime("f", NULL);
            CASE("utimes") r = utimes("f", NULL);
            CASE("lutimes") r = lutimes("lnk", NULL);
            CASE("utimensat") r = utimensat(AT_FDCWD, "f", NULL, 0);
            CASE("chdir") { r = chdir("d"); if (r == 0) r = open("f2", O_RDONLY); }
            CASE("fchdir") { int d = open("d", O_RDONLY | O_DIRECTORY); r = fchdir(d); if (r == 0) r = stat("f2", &st); }
            CASE("vfork_chdir") { pid_t p = vfork(); if (p == 0) { if (chdir("d") == 0) stat("f2", &st); _exit(0); } r = run_and_wait(p); if (r == 0) r = stat("f", &st); }
            CASE("raw_syscall_openat") r = (int)syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY);
            CASE("raw_syscall_stat") r = (int)syscall(SYS_newfstatat, AT_FDCWD, "d/f2", &st, 0);
            else { fprintf(stderr, "unknown case %s\n", c); return 2; }
            return r < 0 ? 1 : 0;
        }
        """;

    /// <summary>case, what ld_preload records (the dynamic program), what ptrace records (both programs).</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { "open", "R f", Same },
        { "open64", "R f", Same },
        { "openat_dirfd", "S d|R d/f2", Same },
        { "openat64_cwd", "R f", Same },
        { "__open_2", "R f", Same },
        { "__open64_2", "R f", Same },
        { "__openat_2", "R d/f2", Same },
        { "open_missing", "R! nope", Same },
        { "open_in_missing_dir", "R! nodir/nope", Same },
        { "open_write", "W new", Same },
        { "open_write_failed", "", Same },
        { "open_excl", "W new", Same },
        { "open_rdwr", "RW f", Same },
        { "open_rdwr_trunc", "W f", Same },
        { "open_through_link", "L lnk|R f", Same },
        { "open_nofollow_path", "S lnk", Same },
        { "open_dotdot", "R f", Same },
        { "open_through_dir_link", "L dlnk|R d/f2", Same },
        { "open_absolute", "R f", Same },
        { "stat_outside_repo", "", Same },
        { "creat", "W new", Same },
        { "creat64", "W new", Same },
        { "fopen_r", "R f", Same },
        { "fopen64_r", "R f", Same },
        { "fopen_w", "W new", Same },
        { "fopen64_append", "W f", Same },
        { "fopen_rplus", "RW f", Same },
        { "freopen", "R f", Same },
        { "freopen64", "R d/f2", Same },
        { "stat", "S f", Same },
        { "stat64", "S f", Same },
        { "stat_missing", "S! nope", Same },
        { "stat_through_link", "L lnk|S f", Same },
        { "lstat", "S lnk", Same },
        { "lstat64", "S lnk", Same },
        { "fstatat", "S d/f2", Same },
        { "fstatat_nofollow", "S lnk", Same },
        { "fstatat_dirfd", "S d|S d/f2", Same },
        { "statx", "S f", Same },
        { "statx_nofollow", "S lnk", Same },
        { "access", "S f", Same },
        { "access_missing", "S! nope", Same },
        { "faccessat", "S f", Same },
        { "faccessat_nofollow", "S lnk", Same },
        { "euidaccess", "S f", Same },
        { "readlink", "L lnk", Same },
        { "readlinkat", "L lnk", Same },
        { "__readlink_chk", "L lnk", Same },
        // realpath: the shim reports the walk as a stat of the end; the kernel sees glibc's readlink of each component.
        { "realpath", "L lnk|S f", "L lnk|L f" },
        { "__realpath_chk", "L lnk|S f", "L lnk|L f" },
        // opendir: the shim reports the listing at opendir; the kernel sees an open of the dir (a stat) then getdents.
        { "opendir", "D d", "SD d" },
        { "fdopendir", "SD d", Same },
        { "scandir", "D d", "SD d" },
        { "execv_script", "RX script.sh", Same },  // executed, then read by its interpreter
        { "execve", "RX script.sh", Same },
        { "execl", "RX script.sh", Same },
        { "execvp_path", "S! d2/true", Same },  // the PATH probe in the repo
        { "posix_spawn", "RX script.sh", Same },
        { "system", "R f", Same },
        { "dlopen", "R lib.so", Same },
        { "rename", "U f|W g", Same },
        { "renameat", "U f|W d/g", Same },
        { "renameat2_noreplace", "U f|W g", Same },
        { "renameat2_exchange", "W f|W d/f2", Same },
        { "unlink", "U f", Same },
        { "unlink_missing", "", Same },
        { "unlinkat_dir", "U d2", Same },
        { "rmdir", "U d2", Same },
        { "remove", "U f", Same },
        { "link", "R f|W h", Same },
        { "linkat_follow", "L lnk|R f|W h", Same },
        { "symlink", "W sl", Same },
        { "symlinkat", "S d|W d/sl", Same },
        { "mkdir", "M m", Same },
        { "mkdirat", "M d/m", Same },
        { "truncate", "W f", Same },
        { "chmod", "W f", Same },
        { "fchmodat", "W d/f2", Same },
        { "setxattr", "W f", Same },
        { "lsetxattr", "W d/f2", Same },
        { "removexattr", "", Same },  // it failed (no such attribute): nothing was written
        { "utime", "W f", Same },
        { "utimes", "W f", Same },
        { "lutimes", "W lnk", Same },
        { "utimensat", "W f", Same },
        { "chdir", "R d/f2", Same },
        { "fchdir", "S d|S d/f2", Same },
        { "vfork_chdir", "S d/f2|S f", Same },
        // Raw syscalls bypass libc: only ptrace sees them (that is what it is for).
        { "raw_syscall_openat", "", "R f" },
        { "raw_syscall_stat", "", "S d/f2" },
    };

    private const string Same = "=";

    // Cases a static program cannot run as the dynamic one does.
    private static readonly HashSet<string> NotStatic = ["dlopen"];  // a static glibc program cannot dlopen

    private static readonly Lazy<string> s_binaries = new(BuildBinaries);

    // Built once, outside any repo: only the repo's own files are listed.
    private static string BuildBinaries()
    {
        string dir = Directory.CreateTempSubdirectory("lmake-entry-points-").FullName;
        File.WriteAllText(Path.Combine(dir, "prog.c"), Program);
        File.WriteAllText(Path.Combine(dir, "lib.c"), "int lib_value(void) { return 1; }\n");
        var r = InstalledTree.Run("/bin/bash",
            ["-c", "gcc -O1 -o prog prog.c -ldl && gcc -O1 -static -o prog-static prog.c 2>static.log && gcc -shared -fPIC -o lib.so lib.c"], dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        return dir;
    }

    private static TempRepo FreshRepo()
    {
        var repo = new TempRepo();
        repo.Write("f", "content");
        repo.Write("d/f2", "content");
        repo.Write("script.sh", "#!/bin/sh\nexit 0\n");
        var setup = repo.Shell($"ln -s f lnk && ln -s d dlnk && mkdir d2 && chmod +x script.sh && cp {s_binaries.Value}/lib.so .");
        Assert.True(setup.ExitCode == 0, setup.ToString());
        return repo;
    }

    private static void Check(string entryPoint, string program, AutodepMethod method, string expected)
    {
        using var repo = FreshRepo();
        var o = PtraceJobRunner.Run(repo.Path, [Path.Combine(s_binaries.Value, program), entryPoint], method);
        Assert.True(o.ExitCode == 0, $"{entryPoint} ({program}, {method}): {PtraceJobRunner.Describe(o)}");
        Assert.True(expected == PtraceJobRunner.Listing(o.Accesses),
            $"{entryPoint} ({program}, {method}): expected [{expected}], recorded [{PtraceJobRunner.Listing(o.Accesses)}]");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ld_preload_records_exactly_the_accesses_of_each_entry_point(string entryPoint, string ldPreload, string ptrace)
    {
        _ = ptrace;
        Check(entryPoint, "prog", AutodepMethod.LdPreload, ldPreload);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ptrace_records_exactly_the_accesses_of_each_entry_point(string entryPoint, string ldPreload, string ptrace)
    {
        Check(entryPoint, "prog", AutodepMethod.Ptrace, ptrace == Same ? ldPreload : ptrace);
    }

    public static TheoryData<string, string, string> StaticCases
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var row in Cases)
                if (!NotStatic.Contains((string)row[0])) data.Add((string)row[0], (string)row[1], (string)row[2]);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(StaticCases))]
    public void Ptrace_records_the_same_for_a_static_program(string entryPoint, string ldPreload, string ptrace)
    {
        Check(entryPoint, "prog-static", AutodepMethod.Ptrace, ptrace == Same ? ldPreload : ptrace);
    }
}
