// _bin/job_namespace: sets up the private mount namespace a job asked for (repo_view, tmp_view, lmake_view,
// views, chroot_dir) and then execs the job in it.
//
// Why a separate program: the job launcher (JobLauncher.cs) starts jobs with posix_spawn, which runs no code of
// ours between fork and exec, and running .NET code in a forked child of the multi-threaded server is unsafe.
// So the launcher spawns this helper in place of the job, with the mount plan on its command line (computed
// and checked in C#: NamespacePlan.cs); the helper does the mounts and execs the job's program. It is linked
// statically so that the job's LD_PRELOAD (the autodep shim) does not load into it: its own mkdirs and mounts
// are not accesses of the job.
//
// usage: job_namespace [-n] [-R NEW_ROOT [-C BASE_ROOT]] [-b SRC DST]... [-o DST LOWERS UPPER WORK]...
//                      [-d CWD] -- PROGRAM ARG...
//   -n           no mount at all (chroot_dir '/' alone): the job still gets its own mount namespace
//   -R NEW_ROOT  an existing dir of the native file system: a tmpfs is mounted there and filled with the
//                top-level entries of BASE_ROOT (bound, symlinks copied), the job is chroot'ed into it
//                (needed when a view is a top-level name that does not exist, or for chroot_dir)
//   -C BASE_ROOT the root the new root reflects (chroot_dir), default '/'
//   -b SRC DST   bind mount (recursive) of the native SRC at DST, a name as the job sees it
//   -o DST LOWERS UPPER WORK   overlay mount at DST: LOWERS (':'-separated), UPPER and WORK are native names
//   -d CWD       the job's cwd, as the job sees it
// Sources are opened before any mount (a view may hide them: tmp_view '/tmp' over a repo under /tmp) and
// mounted through /proc/self/fd. Mounts are done in the order given (parents first). On any failure the
// helper says what it could not do on stderr and exits with 126 (the job did not start).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MOUNTS 256

typedef struct {
    char kind;          // 'b' bind, 'o' overlay
    const char *dst;    // as the job sees it
    const char *src;    // bind: the native source
    const char *lowers, *upper, *work;  // overlay: native names (lowers ':'-separated)
    int src_fd, upper_fd, work_fd;      // opened in the new namespace before any mount (see main)
    char *lower_fds;    // overlay: each lower as /proc/self/fd/N, ':'-separated
} Mount;

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("lmake: cannot set up the job's namespace: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(126);
}

static void usage(void) { fail("bad arguments to job_namespace (it is run by lmake, not by hand)"); }

// mkdir -p of an absolute name; the parts that exist are left as they are.
static void make_dirs(const char *path)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);
    if (n >= sizeof buf) fail("name too long: %s", path);
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != 0) continue;
        char c = buf[i];
        buf[i] = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) fail("mkdir %s: %s", buf, strerror(errno));
        buf[i] = c;
    }
}

static void join(char *out, const char *root, const char *name)
{
    if (snprintf(out, PATH_MAX, "%s%s", strcmp(root, "/") == 0 ? "" : root, name) >= PATH_MAX) fail("name too long: %s%s", root, name);
}

static void fd_path(char *out, int fd) { snprintf(out, 32, "/proc/self/fd/%d", fd); }

static int open_dir(const char *name, const char *what)
{
    int fd = open(name, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("%s %s: %s", what, name, strerror(errno));
    return fd;
}

// The lowers of an overlay (native names, ':'-separated), each opened now and named through /proc/self/fd.
static char *open_lowers(const char *lowers)
{
    size_t cap = 32 * (strlen(lowers) + 1), len = 0;
    char *out = malloc(cap);
    char *copy = strdup(lowers);
    if (!out || !copy) fail("out of memory");
    out[0] = 0;
    for (char *save = NULL, *l = strtok_r(copy, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
        char p[32];
        fd_path(p, open_dir(l, "overlay lower dir"));
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ":" : "", p);
    }
    free(copy);
    return out;
}

// Writes a line into a /proc file (uid_map, setgroups...).
static void write_proc(const char *file, const char *text)
{
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) fail("write %s: %s", file, strerror(errno));
    close(fd);
}

// A private mount namespace; when not root, a user namespace first, mapping the user onto itself (mounts need
// CAP_SYS_ADMIN in the namespace that owns them).
static void enter_namespace(void)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (uid == 0) {
        if (unshare(CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWNS): %s", strerror(errno));
    } else {
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWUSER|CLONE_NEWNS): %s", strerror(errno));
        char line[64];
        write_proc("/proc/self/setgroups", "deny");
        snprintf(line, sizeof line, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
        write_proc("/proc/self/uid_map", line);
        snprintf(line, sizeof line, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
        write_proc("/proc/self/gid_map", line);
    }
    // nothing done here goes back to the native namespace
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) fail("make / private: %s", strerror(errno));
}

// A tmpfs at new_root holding every top-level entry of base: dirs and files bound, symlinks copied
// (/bin -> usr/bin on a merged /usr), so that the job sees the same system plus the views.
static void build_root(const char *new_root, const char *base)
{
    if (mount("tmpfs", new_root, "tmpfs", 0, "mode=0755") != 0) fail("mount a tmpfs on %s: %s", new_root, strerror(errno));
    DIR *d = opendir(base);
    if (!d) fail("list %s: %s", base, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char src[PATH_MAX], dst[PATH_MAX];
        if (snprintf(src, sizeof src, "%s/%s", strcmp(base, "/") == 0 ? "" : base, e->d_name) >= PATH_MAX) continue;
        if (snprintf(dst, sizeof dst, "%s/%s", new_root, e->d_name) >= PATH_MAX) continue;
        struct stat st;
        if (lstat(src, &st) != 0) continue;
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(src, target, sizeof target - 1);
            if (n < 0) continue;
            target[n] = 0;
            if (symlink(target, dst) != 0) fail("symlink %s: %s", dst, strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (mkdir(dst, st.st_mode & 07777) != 0) fail("mkdir %s: %s", dst, strerror(errno));
        } else {
            int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            if (fd < 0) fail("create %s: %s", dst, strerror(errno));
            close(fd);
        }
        if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0) fail("bind %s on %s: %s", src, dst, strerror(errno));
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    static Mount mounts[MAX_MOUNTS];
    int n_mounts = 0;
    const char *new_root = NULL, *base = "/", *cwd = NULL;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) { i++; break; }
        if (a[0] != '-' || a[1] == 0 || a[2] != 0) usage();
        switch (a[1]) {
            case 'n': break;
            case 'R': if (i + 1 >= argc) usage(); new_root = argv[++i]; break;
            case 'C': if (i + 1 >= argc) usage(); base = argv[++i]; break;
            case 'd': if (i + 1 >= argc) usage(); cwd = argv[++i]; break;
            case 'b': {
                if (i + 2 >= argc || n_mounts >= MAX_MOUNTS) usage();
                Mount *m = &mounts[n_mounts++];
                m->kind = 'b';
                m->src = argv[++i];
                m->dst = argv[++i];
                break;
            }
            case 'o': {
                if (i + 4 >= argc || n_mounts >= MAX_MOUNTS) usage();
                Mount *m = &mounts[n_mounts++];
                m->kind = 'o';
                m->dst = argv[++i];
                m->lowers = argv[++i];
                m->upper = argv[++i];
                m->work = argv[++i];
                break;
            }
            default: usage();
        }
    }
    if (i >= argc) usage();

    enter_namespace();
    // Sources are opened now: after unshare (a bind from an fd of the old namespace is refused) and before any
    // mount (which may hide them).
    for (int k = 0; k < n_mounts; k++) {
        Mount *m = &mounts[k];
        if (m->kind == 'b') { m->src_fd = open_dir(m->src, "view source"); continue; }
        m->lower_fds = open_lowers(m->lowers);
        m->upper_fd = open_dir(m->upper, "overlay upper dir");
        m->work_fd = open_dir(m->work, "overlay work dir");
    }
    const char *root = new_root ? new_root : "/";
    if (new_root) build_root(new_root, base);
    for (int k = 0; k < n_mounts; k++) {
        Mount *m = &mounts[k];
        char dst[PATH_MAX];
        join(dst, root, m->dst);
        struct stat st;
        if (stat(dst, &st) != 0) make_dirs(dst);
        else if (!S_ISDIR(st.st_mode)) fail("view %s exists and is not a dir", m->dst);
        if (m->kind == 'b') {
            char src[32];
            fd_path(src, m->src_fd);
            if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0) fail("bind on %s: %s", m->dst, strerror(errno));
            close(m->src_fd);
        } else {
            char opts[4 * PATH_MAX], upper[32], work[32];
            fd_path(upper, m->upper_fd);
            fd_path(work, m->work_fd);
            if (snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", m->lower_fds, upper, work) >= (int)sizeof opts)
                fail("overlay %s: names too long", m->dst);
            if (mount("overlay", dst, "overlay", 0, opts) != 0)
                fail("overlay on %s: %s%s", m->dst, strerror(errno), errno == EINVAL || errno == ENODEV ? " (the kernel refuses this overlay)" : "");
        }
    }
    if (new_root) {
        if (chdir(new_root) != 0 || chroot(".") != 0) fail("chroot %s: %s", new_root, strerror(errno));
        if (chdir("/") != 0) fail("chdir /: %s", strerror(errno));
    }
    if (cwd && chdir(cwd) != 0) fail("chdir %s: %s", cwd, strerror(errno));
    if (cwd) setenv("PWD", cwd, 1);
    execvp(argv[i], argv + i);
    fprintf(stderr, "%s: %s\n", argv[i], errno == ENOENT ? "command not found" : strerror(errno));
    exit(127);
}
