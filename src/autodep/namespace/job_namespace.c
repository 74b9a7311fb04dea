// _bin/job_namespace: sets up the private namespaces a job asked for (repo_view, tmp_view, lmake_view, views,
// chroot_dir, chroot_actions) and then runs the job in them.
//
// Why a separate program: the job launcher (JobLauncher.cs) starts jobs with posix_spawn, which runs no code of
// ours between fork and exec, and running .NET code in a forked child of the multi-threaded server is unsafe.
// So the launcher spawns this helper in place of the job, with the mount plan on its command line (computed
// and checked in C#: NamespacePlanner.cs); the helper does the mounts and runs the job's program. It is linked
// statically so that the job's LD_PRELOAD (the autodep shim) does not load into it: its own mkdirs and mounts
// are not accesses of the job.
//
// Processes (namespaces.md: with a namespace, no process of the job survives it):
//   helper (native pid namespace) -- waits, then ends as the job ended (same exit code, or dies of the same signal)
//     init   (pid 1 of a new pid namespace) -- mounts a /proc of that namespace, reaps orphans, and exits as
//            soon as the job's top process has: the kernel then kills whatever the job left (daemons,
//            setsid'ed or not), which is the reliable end of job the documentation promises
//       job  (pid 2) -- execs PROGRAM
// All three are in the process group the launcher made, which is where lmake sends the kill_sigs: the job gets
// them directly. The helper ignores them meanwhile (it ends with the job), and init, as any pid namespace's
// init, is not reached by the signals it has no handler for (SIGKILL excepted, which ends the whole namespace).
//
// usage: job_namespace [-n] [-R NEW_ROOT [-C BASE_ROOT]] [-a ACTION]... [-b SRC DST]... [-o DST LOWERS UPPER WORK]...
//                      [-d CWD] -- PROGRAM ARG...
//   -n           no mount at all (chroot_dir '/' alone): the job still gets its own mount and pid namespaces
//   -R NEW_ROOT  an existing dir of the native file system: a tmpfs is mounted there and filled with the
//                top-level entries of BASE_ROOT (bound, symlinks copied), the job is chroot'ed into it
//                (needed when a view is a top-level name that does not exist, or for chroot_dir)
//   -C BASE_ROOT the root the new root reflects (chroot_dir), default '/'
//   -a ACTION    a chroot_action (rules.md), applied to the new root's /etc, never to BASE_ROOT itself:
//                user_name   /etc/passwd and /etc/group naming root and the calling user (as the native system
//                            names them), /etc/nsswitch.conf reading both from these files
//                resolv_conf /etc/resolv.conf of the native system
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
#include <sys/resource.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

// A private mount namespace, and a pid namespace for the helper's next child (init, see the top); when not root,
// a user namespace first, mapping the user onto itself (mounts need CAP_SYS_ADMIN in the namespace that owns them).
static void enter_namespace(void)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (uid == 0) {
        if (unshare(CLONE_NEWNS | CLONE_NEWPID) != 0) fail("unshare(CLONE_NEWNS|CLONE_NEWPID): %s", strerror(errno));
    } else {
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) != 0)
            fail("unshare(CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID): %s", strerror(errno));
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

// chroot_actions (-a), as flags.
#define ACTION_USER_NAME   1
#define ACTION_RESOLV_CONF 2
static int actions;

// What the actions write into the new root's /etc, read from the native system before any mount.
static char passwd_text[2 * PATH_MAX], group_text[PATH_MAX];
static char *resolv_text;   // NULL: the native system has none (the root's own is left)

// The whole content of a file, NUL-terminated; NULL when it cannot be read.
static char *read_file(const char *name)
{
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    for (;;) {
        if (!text) fail("out of memory");
        if (len + 1 >= cap) text = realloc(text, cap *= 2);
        if (!text) fail("out of memory");
        ssize_t n = read(fd, text + len, cap - len - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
    }
    close(fd);
    text[len] = 0;
    return text;
}

// Field `index` (0-based, ':'-separated) of the line of a passwd or group file whose third field is `id`, copied
// into out; 0 when there is no such line. (Parsed by hand: this helper is static, without NSS.)
static int id_field(const char *text, unsigned id, int index, char *out, size_t size)
{
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *f[8];
        int n = 0;
        f[n++] = line;
        for (const char *c = line; *c && *c != '\n' && n < 8; c++) if (*c == ':') f[n++] = c + 1;
        if (n < 3 || strtoul(f[2], NULL, 10) != id || (f[2][0] < '0' || f[2][0] > '9')) continue;
        if (index >= n) return 0;
        const char *end = f[index];
        while (*end && *end != ':' && *end != '\n') end++;
        size_t len = (size_t)(end - f[index]);
        if (len == 0 || len >= size) return 0;
        memcpy(out, f[index], len);
        out[len] = 0;
        return 1;
    }
    return 0;
}

// The files of the user_name and resolv_conf actions, as the native system names the caller.
static void prepare_actions(void)
{
    if (actions & ACTION_USER_NAME) {
        unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
        char *passwd = read_file("/etc/passwd"), *group = read_file("/etc/group");
        char name[256], home[PATH_MAX], group_name[256];
        if (!passwd || !id_field(passwd, uid, 0, name, sizeof name)) {
            const char *user = getenv("USER");
            if (user && *user && strlen(user) < sizeof name) strcpy(name, user);
            else snprintf(name, sizeof name, "user%u", uid);
        }
        if (!passwd || !id_field(passwd, uid, 5, home, sizeof home)) {
            const char *h = getenv("HOME");
            snprintf(home, sizeof home, "%s", h && *h ? h : "/");
        }
        if (!group || !id_field(group, gid, 0, group_name, sizeof group_name)) snprintf(group_name, sizeof group_name, "%s", name);
        int n = snprintf(passwd_text, sizeof passwd_text, "root:x:0:0:root:/root:/bin/sh\n");
        if (uid != 0) snprintf(passwd_text + n, sizeof passwd_text - (size_t)n, "%s:x:%u:%u:%s:%s:/bin/sh\n", name, uid, gid, name, home);
        n = snprintf(group_text, sizeof group_text, "root:x:0:\n");
        if (gid != 0) snprintf(group_text + n, sizeof group_text - (size_t)n, "%s:x:%u:\n", group_name, gid);
        free(passwd);
        free(group);
    }
    if (actions & ACTION_RESOLV_CONF) resolv_text = read_file("/etc/resolv.conf");
}

static void write_file(const char *name, const char *text)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len) fail("write %s: %s", name, strerror(errno));
    close(fd);
}

// The root's nsswitch.conf with its passwd and group lines reading files (the others as they are).
static void write_nsswitch(const char *dst, const char *base_etc)
{
    char src[PATH_MAX];
    join(src, base_etc, "/nsswitch.conf");
    char *old = read_file(src);
    size_t cap = (old ? strlen(old) : 0) + 64, len = 0;
    char *out = malloc(cap);
    if (!out) fail("out of memory");
    out[0] = 0;
    int seen_passwd = 0, seen_group = 0;
    for (char *line = old, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        const char *keep = line;
        if (strncmp(line, "passwd:", 7) == 0) { keep = "passwd: files"; seen_passwd = 1; }
        else if (strncmp(line, "group:", 6) == 0) { keep = "group:  files"; seen_group = 1; }
        len += (size_t)snprintf(out + len, cap - len, "%s\n", keep);
    }
    if (!seen_passwd) len += (size_t)snprintf(out + len, cap - len, "passwd: files\n");
    if (!seen_group) snprintf(out + len, cap - len, "group:  files\n");
    write_file(dst, out);
    free(out);
    free(old);
}

// Whether `name` of the new root's /etc is one an action writes (not bound from the base root).
static int written_by_action(const char *name)
{
    if (actions & ACTION_USER_NAME)
        if (strcmp(name, "passwd") == 0 || strcmp(name, "group") == 0 || strcmp(name, "nsswitch.conf") == 0) return 1;
    return (actions & ACTION_RESOLV_CONF) && resolv_text && strcmp(name, "resolv.conf") == 0;
}

// Fills dst (a dir of the new root's tmpfs) with every entry of src: dirs and files bound, symlinks copied
// (/bin -> usr/bin on a merged /usr), so that the job sees the same system plus the views. At the top level,
// /etc is mirrored one level deeper when an action writes files there (the base root is never written).
static void mirror_dir(const char *dst_dir, const char *src_dir, int top)
{
    DIR *d = opendir(src_dir);
    if (!d) fail("list %s: %s", src_dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (!top && written_by_action(e->d_name)) continue;
        char src[PATH_MAX], dst[PATH_MAX];
        if (snprintf(src, sizeof src, "%s/%s", strcmp(src_dir, "/") == 0 ? "" : src_dir, e->d_name) >= PATH_MAX) continue;
        if (snprintf(dst, sizeof dst, "%s/%s", dst_dir, e->d_name) >= PATH_MAX) continue;
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
            if (top && actions && strcmp(e->d_name, "etc") == 0) { mirror_dir(dst, src, 0); continue; }
        } else {
            int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            if (fd < 0) fail("create %s: %s", dst, strerror(errno));
            close(fd);
        }
        if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0) fail("bind %s on %s: %s", src, dst, strerror(errno));
    }
    closedir(d);
}

// A tmpfs at new_root mirroring base, then the files of the chroot_actions in its /etc.
static void build_root(const char *new_root, const char *base)
{
    if (mount("tmpfs", new_root, "tmpfs", 0, "mode=0755") != 0) fail("mount a tmpfs on %s: %s", new_root, strerror(errno));
    mirror_dir(new_root, base, 1);
    if (!actions) return;
    char etc[PATH_MAX], base_etc[PATH_MAX], file[PATH_MAX];
    join(etc, new_root, "/etc");
    join(base_etc, base, "/etc");
    struct stat st;
    if (lstat(etc, &st) != 0 && mkdir(etc, 0755) != 0) fail("mkdir %s: %s", etc, strerror(errno));
    if (actions & ACTION_USER_NAME) {
        join(file, etc, "/passwd");
        write_file(file, passwd_text);
        join(file, etc, "/group");
        write_file(file, group_text);
        join(file, etc, "/nsswitch.conf");
        write_nsswitch(file, base_etc);
    }
    if ((actions & ACTION_RESOLV_CONF) && resolv_text) {
        join(file, etc, "/resolv.conf");
        write_file(file, resolv_text);
    }
}

// The signals lmake may send as kill_sigs that the helper outlives (it ends as the job ends, see the top).
static const int outlived_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE };
#define N_OUTLIVED (int)(sizeof outlived_signals / sizeof outlived_signals[0])

static void outlive_signal(int sig) { (void)sig; }

static void set_signals(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (int k = 0; k < N_OUTLIVED; k++) sigaction(outlived_signals[k], &sa, NULL);
}

// pid 1 of the job's pid namespace: a /proc of its own (best effort: /proc/self is right either way, only the
// pids listed there differ), the job as pid 2, orphans reaped; its wait status goes to the helper by status_fd.
static void run_init(char **argv, int status_fd)
{
    set_signals(SIG_DFL);
    struct stat st;
    if (stat("/proc", &st) == 0 && S_ISDIR(st.st_mode)) mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    pid_t job = fork();
    if (job < 0) { fprintf(stderr, "lmake: cannot start the job: fork: %s\n", strerror(errno)); _exit(126); }
    if (job == 0) {
        close(status_fd);
        execvp(argv[0], argv);
        fprintf(stderr, "%s: %s\n", argv[0], errno == ENOENT ? "command not found" : strerror(errno));
        _exit(127);
    }
    for (;;) {
        int status;
        pid_t p = waitpid(-1, &status, 0);
        if (p < 0 && errno == EINTR) continue;
        if (p < 0) _exit(126);
        if (p != job) continue;
        ssize_t w;
        do w = write(status_fd, &status, sizeof status); while (w < 0 && errno == EINTR);
        _exit(0);   // the kernel now kills what is left in the namespace
    }
}

// Runs the job under init and ends as it did.
static void run_job(char **argv)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) fail("pipe: %s", strerror(errno));
    set_signals(outlive_signal);
    pid_t init = fork();
    if (init < 0) fail("fork: %s", strerror(errno));
    if (init == 0) { close(fds[0]); run_init(argv, fds[1]); }
    close(fds[1]);
    int init_status = 0, status;
    while (waitpid(init, &init_status, 0) < 0 && errno == EINTR) {}
    ssize_t n;
    do n = read(fds[0], &status, sizeof status); while (n < 0 && errno == EINTR);
    if (n != sizeof status) status = init_status;   // init was killed (SIGKILL): the namespace ended with it
    if (WIFEXITED(status)) exit(WEXITSTATUS(status));
    int sig = WTERMSIG(status);
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);   // the job's core, if any, is the job's: the helper leaves none
    signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    kill(getpid(), sig);
    exit(128 + sig);
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
            case 'a': {
                if (i + 1 >= argc) usage();
                const char *action = argv[++i];
                if (strcmp(action, "user_name") == 0) actions |= ACTION_USER_NAME;
                else if (strcmp(action, "resolv_conf") == 0) actions |= ACTION_RESOLV_CONF;
                else fail("unknown chroot action %s", action);
                break;
            }
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

    prepare_actions();
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
    run_job(argv + i);
}
