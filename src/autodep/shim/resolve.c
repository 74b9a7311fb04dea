// Path resolution as the kernel does it, done in the shim because only the process knows its cwd and fds:
// relative names against the current cwd (asked each time, so chdir/fchdir/vfork need no bookkeeping),
// *at names against their dir fd, '.', '..', and every symlink crossed inside the repo or a source dir
// (each one is reported as a readlink dep). Outside those trees names are taken literally: they are ignored.
// In a job's namespace, names are resolved as the job sees them and tracked under the physical dir of the view
// they are in (ad_map_view): '..' out of a view goes where the kernel takes it, the view's parent.
#include "shim.h"

#include <limits.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define AD_MAX_LINKS 40

static size_t raw_getcwd(char *out)
{
    long n = syscall(SYS_getcwd, out, PATH_MAX);
    if (n <= 0 || out[0] != '/') return 0;  // "(unreachable)": the cwd was removed
    return (size_t)n - 1;
}

// The cwd, cached per thread and tagged with a process-wide generation that chdir/fchdir bump. exec and
// _exit bump it too: a vfork child shares its parent's memory (this cache included) and may have changed
// its own cwd, which the parent, resuming at the child's exec or exit, must not take for its own.
static volatile unsigned cwd_generation = 1;
typedef struct {
    unsigned generation;
    volatile int busy;  // a signal handler arriving while the cache is used goes to the kernel instead
    size_t len;
    char name[PATH_MAX];
} CwdCache;
static __thread CwdCache tls_cwd __attribute__((tls_model("initial-exec")));

void ad_cwd_changed(void) { __atomic_add_fetch(&cwd_generation, 1, __ATOMIC_SEQ_CST); }

static size_t cached_cwd(char *out)
{
    CwdCache *c = &tls_cwd;
    if (c->busy) return raw_getcwd(out);
    unsigned g = __atomic_load_n(&cwd_generation, __ATOMIC_SEQ_CST);
    c->busy = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    size_t n;
    if (c->generation == g) {
        n = c->len;
        memcpy(out, c->name, n + 1);
    } else {
        n = raw_getcwd(out);
        if (n) { memcpy(c->name, out, n + 1); c->len = n; c->generation = g; }
    }
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    c->busy = 0;
    return n;
}

// The last directory found to hold no symlink on its way (every component read with readlink, none a link),
// cached per thread: names in the same directory, the common case (a compiler's headers, a tool's inputs),
// then cost one readlink (the last component) instead of one per component. The shim forgets it whenever
// this process renames or removes something, the only ways to turn a directory into a symlink.
static volatile unsigned tree_generation = 1;
typedef struct {
    unsigned generation;
    volatile int busy;
    size_t len;
    char name[PATH_MAX];
} DirCache;
static __thread DirCache tls_dir __attribute__((tls_model("initial-exec")));

void ad_tree_changed(void) { __atomic_add_fetch(&tree_generation, 1, __ATOMIC_SEQ_CST); }

// Whether the dir res[0..rl) is known to be reached without a symlink.
static int known_dir(const char *res, size_t rl)
{
    DirCache *c = &tls_dir;
    if (c->busy || c->generation != __atomic_load_n(&tree_generation, __ATOMIC_SEQ_CST)) return 0;
    return rl <= c->len && memcmp(c->name, res, rl) == 0 && (c->name[rl] == '/' || c->name[rl] == 0);
}

static void remember_dir(const char *res, size_t rl, unsigned generation)
{
    DirCache *c = &tls_dir;
    if (c->busy || rl == 0 || rl >= PATH_MAX) return;
    c->busy = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    memcpy(c->name, res, rl);
    c->name[rl] = 0;
    c->len = rl;
    c->generation = generation;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    c->busy = 0;
}

// Writes the absolute name of the base of a relative path: the cwd, or the dir an fd is open on.
static size_t base_dir(int dirfd, char *out)
{
    if (dirfd == AT_FDCWD) return cached_cwd(out);
    if (dirfd < 0) return 0;
    char proc[32] = "/proc/self/fd/";
    char digits[12];
    int nd = 0;
    for (unsigned v = (unsigned)dirfd; nd == 0 || v; v /= 10) digits[nd++] = (char)('0' + v % 10);
    size_t pl = strlen(proc);
    while (nd) proc[pl++] = digits[--nd];
    proc[pl] = 0;
    long n = syscall(SYS_readlinkat, AT_FDCWD, proc, out, PATH_MAX - 1);
    if (n <= 0 || out[0] != '/') return 0;  // pipes, sockets, anonymous inodes
    out[n] = 0;
    return (size_t)n;
}

// Drops the last component of res (res is "" for "/", else "/a/b").
static size_t pop(char *res, size_t rl)
{
    while (rl > 0 && res[rl - 1] != '/') rl--;
    if (rl > 0) rl--;
    res[rl] = 0;
    return rl;
}

int ad_resolve(int dirfd, const char *path, int follow_last, char *out) { return ad_resolve_ex(dirfd, path, follow_last, out, 0); }

int ad_resolve_ex(int dirfd, const char *path, int follow_last, char *out, int root_ok)
{
    if (!path || !path[0]) return 0;  // AT_EMPTY_PATH and the like act on the fd itself
    static const size_t cap = 2 * PATH_MAX;
    char buf_a[2 * PATH_MAX], buf_b[2 * PATH_MAX];
    char *rest = buf_a, *spare = buf_b;
    size_t pl = strlen(path);
    if (pl >= PATH_MAX) return 0;
    if (path[0] == '/') {
        memcpy(rest, path, pl + 1);
    } else {
        size_t bl = base_dir(dirfd, rest);
        if (bl == 0) return 0;
        rest[bl] = '/';
        memcpy(rest + bl + 1, path, pl + 1);
    }

    char view_buf[PATH_MAX];  // a name mapped from a view of the job's namespace to its physical dir
    char *res = out;  // the resolved prefix, built in place in the caller's buffer
    size_t rl = 0;
    res[0] = 0;
    int links = 0;
    int missing = 0;  // a prefix does not exist: the kernel would stop there, no point reading links further
    int dir_missing = 0;  // ... and that prefix is a directory of the name, not the name itself
    unsigned generation = __atomic_load_n(&tree_generation, __ATOMIC_SEQ_CST);
    const char *p = rest;
    for (;;) {
        while (*p == '/') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != '/') e++;
        size_t cl = (size_t)(e - p);
        const char *after = e;
        while (*after == '/') after++;
        int last = *after == 0;
        int trailing_slash = last && e != after;  // "link/" is followed even by lstat
        if (cl == 1 && p[0] == '.') { p = e; continue; }
        if (cl == 2 && p[0] == '.' && p[1] == '.') { rl = pop(res, rl); p = e; continue; }
        if (rl + 1 + cl >= PATH_MAX) return 0;
        res[rl] = '/';
        memcpy(res + rl + 1, p, cl);
        rl += 1 + cl;
        res[rl] = 0;
        size_t ml = rl;
        const char *mapped = ad_map_view(res, &ml, view_buf);  // res itself but in a view of the job's namespace
        int tracked = ad_tracked_prefix(mapped, ml);
        if (!missing && (!last || follow_last || trailing_slash) && !(!last && known_dir(res, rl)) && (tracked || ad_external_links())) {
            char target[PATH_MAX];
            long n = syscall(SYS_readlinkat, AT_FDCWD, res, target, sizeof target - 1);
            if (n > 0) {
                if (++links > AD_MAX_LINKS) return 0;  // ELOOP for the kernel too
                target[n] = 0;
                // The link is a dep: its text decides what the access reaches.
                if (tracked) ad_record(AD_READLINK, 1, mapped + (tracked == 1 ? ad_root_len() + 1 : 0));
                size_t tl = (size_t)n, el = strlen(e);
                if (tl + 1 + el + 1 > cap) return 0;
                memcpy(spare, target, tl);
                memcpy(spare + tl, e, el + 1);  // e is empty or starts with '/'
                char *t = rest; rest = spare; spare = t;
                p = rest;
                if (target[0] == '/') { rl = 0; res[0] = 0; }
                else rl = pop(res, rl);
                continue;
            }
            if (n < 0 && ad_missing_errno(errno)) { missing = 1; if (!last) dir_missing = 1; }
        }
        p = e;
    }
    size_t ml = rl;
    const char *mapped = ad_map_view(res, &ml, view_buf);
    int where = ad_tracked_prefix(mapped, ml);
    if (!where && root_ok && ad_is_root(mapped, ml)) { out[0] = '.'; out[1] = 0; return 1; }
    if (where && !dir_missing) {  // every directory on the way was read: none is a link
        size_t dl = rl;
        while (dl > 0 && res[dl - 1] != '/') dl--;
        if (dl > 1) remember_dir(res, dl - 1, generation);
    }
    if (where == 1) memmove(out, mapped + ad_root_len() + 1, ml - ad_root_len());
    else if (where == 2 && mapped != res) memcpy(out, mapped, ml + 1);
    return where != 0;
}
