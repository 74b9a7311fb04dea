// The report channel of the shim: configuration from the environment, per-thread record buffers and
// their flushing to job_exec's pipe. No malloc anywhere: buffers live in static TLS, so this runs safely
// between vfork and exec and (for the thread's own records) in signal handlers.
#include "shim.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define AD_MAX_SRC_DIRS 64
#define AD_MAX_VIEWS 64
#define AD_MAX_THREADS 1024

typedef struct {
    volatile size_t len;
    volatile int busy;       // set while appending: a signal handler arriving then writes its record directly
    int registered;
    char data[PIPE_BUF];
} ThreadBuffer;

static __thread ThreadBuffer tls_buffer __attribute__((tls_model("initial-exec")));

static int channel_fd = -1;
static char root[PATH_MAX];
static size_t root_len;
static char src_storage[PATH_MAX * 4];
static const char *src_dirs[AD_MAX_SRC_DIRS];
static size_t src_lens[AD_MAX_SRC_DIRS];
static int n_src_dirs;
static char env_fd[64], env_root[PATH_MAX + 32], env_src[sizeof src_storage + 32], env_preload[PATH_MAX + 32];
static char env_channel[256], env_opts[64];
// The job's views (LMAKE_AUTODEP_VIEWS, when it runs in a namespace): a name under a logical view (as the job
// sees it) is reported under its physical dir, "LOGICAL\tPHYSICAL\n" each, longest logical first.
static char views_storage[PATH_MAX * 4];
static const char *view_logical[AD_MAX_VIEWS], *view_physical[AD_MAX_VIEWS];
static size_t view_logical_len[AD_MAX_VIEWS], view_physical_len[AD_MAX_VIEWS];
static int n_views;
static char env_views[sizeof views_storage + 32];
static const char *own_environ[8];
static int opt_auto_mkdir, opt_external_links;

// Cleared by lmake.Autodep(False) (through lmake_autodep_set) or inherited as LMAKE_AUTODEP_ENABLE=0: the
// accesses of this process are then not reported.
static volatile int tracking_enabled = 1;

// Every thread's buffer, so that exit() can send what threads still running have not flushed yet.
static ThreadBuffer *volatile registry[AD_MAX_THREADS];
static pthread_key_t thread_exit_key;

static volatile int init_state;  // 0: not done, 1: in progress, 2: done

static void flush_buffer(ThreadBuffer *b);

static void on_thread_exit(void *arg)
{
    ThreadBuffer *b = arg;
    flush_buffer(b);
    for (int i = 0; i < AD_MAX_THREADS; i++)
        if (registry[i] == b) { __atomic_store_n(&registry[i], NULL, __ATOMIC_RELEASE); break; }
    b->registered = 0;
}

// After fork only the forking thread exists in the child: the other buffers (already copied) are not its own.
static void on_fork_child(void)
{
    for (int i = 0; i < AD_MAX_THREADS; i++)
        if (registry[i] != &tls_buffer) registry[i] = NULL;
}

static void copy_env_entry(char *dst, size_t cap, const char *name, const char *value)
{
    size_t nl = strlen(name), vl = strlen(value);
    if (nl + 1 + vl + 1 > cap) { dst[0] = 0; return; }
    memcpy(dst, name, nl);
    dst[nl] = '=';
    memcpy(dst + nl + 1, value, vl + 1);
}

static void init(void)
{
    int expected = 0;
    if (!__atomic_compare_exchange_n(&init_state, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&init_state, __ATOMIC_ACQUIRE) != 2) { /* another thread is initializing */ }
        return;
    }
    const char *fd_s = getenv("LMAKE_AUTODEP_FD");
    const char *root_s = getenv("LMAKE_AUTODEP_ROOT");
    const char *src_s = getenv("LMAKE_AUTODEP_SRC");
    if (fd_s && root_s && root_s[0] == '/' && strlen(root_s) < sizeof root) {
        int fd = 0;
        for (const char *p = fd_s; *p >= '0' && *p <= '9'; p++) fd = fd * 10 + (*p - '0');
        // The kernel and getcwd give canonical names: compare with the canonical root. realpath is called
        // past our own wrapper, which would wait for this very initialization.
        char *(*real_realpath)(const char *, char *) = (char *(*)(const char *, char *))ad_real("realpath");
        if (!real_realpath(root_s, root)) strcpy(root, root_s);
        root_len = strlen(root);
        while (root_len > 1 && root[root_len - 1] == '/') root[--root_len] = 0;
        if (src_s && strlen(src_s) < sizeof src_storage) {
            strcpy(src_storage, src_s);
            char *p = src_storage;
            while (*p && n_src_dirs < AD_MAX_SRC_DIRS) {
                char *e = strchr(p, ':');
                if (e) *e = 0;
                size_t l = strlen(p);
                // ("/" too: the whole file system is a source dir, extra_manifest=('/',))
                if (l >= 1 && p[0] == '/' && p[l - 1] == '/') { src_dirs[n_src_dirs] = p; src_lens[n_src_dirs++] = l; }
                if (!e) break;
                p = e + 1;
            }
        }
        const char *views_s = getenv("LMAKE_AUTODEP_VIEWS");
        if (views_s && strlen(views_s) < sizeof views_storage) {
            strcpy(views_storage, views_s);
            for (char *p = views_storage; *p && n_views < AD_MAX_VIEWS;) {
                char *tab = strchr(p, '\t');
                if (!tab) break;
                char *nl = strchr(tab, '\n');
                *tab = 0;
                if (nl) *nl = 0;
                view_logical[n_views] = p; view_logical_len[n_views] = strlen(p);
                view_physical[n_views] = tab + 1; view_physical_len[n_views] = strlen(tab + 1);
                n_views++;
                if (!nl) break;
                p = nl + 1;
            }
        }
        copy_env_entry(env_fd, sizeof env_fd, "LMAKE_AUTODEP_FD", fd_s);
        copy_env_entry(env_root, sizeof env_root, "LMAKE_AUTODEP_ROOT", root_s);
        copy_env_entry(env_src, sizeof env_src, "LMAKE_AUTODEP_SRC", src_s ? src_s : "");
        const char *preload = getenv("LD_PRELOAD");
        copy_env_entry(env_preload, sizeof env_preload, "LD_PRELOAD", preload ? preload : "");
        own_environ[0] = env_fd; own_environ[1] = env_root; own_environ[2] = env_src; own_environ[3] = env_preload;
        own_environ[4] = NULL;
        // The in-job commands' channel (see Lmake.Autodep.JobChannel) survives env -i like the report pipe.
        const char *channel_s = getenv("LMAKE_JOB_CHANNEL");
        if (channel_s && channel_s[0]) {
            copy_env_entry(env_channel, sizeof env_channel, "LMAKE_JOB_CHANNEL", channel_s);
            if (env_channel[0]) own_environ[4] = env_channel;
        }
        // Options of the job's rule, one letter each: 'm' auto_mkdir (chdir makes the dir it goes to), 'x'
        // link_support 'full_ext' (symlinks outside the repo are followed too: one may lead into the repo)
        const char *opts_s = getenv("LMAKE_AUTODEP_OPTS");
        int n_own = own_environ[4] ? 5 : 4;
        if (opts_s && opts_s[0]) {
            opt_auto_mkdir = strchr(opts_s, 'm') != NULL;
            opt_external_links = strchr(opts_s, 'x') != NULL;
            copy_env_entry(env_opts, sizeof env_opts, "LMAKE_AUTODEP_OPTS", opts_s);
            if (env_opts[0]) own_environ[n_own++] = env_opts;
        }
        if (n_views) {
            copy_env_entry(env_views, sizeof env_views, "LMAKE_AUTODEP_VIEWS", views_s);
            if (env_views[0]) own_environ[n_own++] = env_views;
        }
        own_environ[n_own] = NULL;
        const char *enable_s = getenv("LMAKE_AUTODEP_ENABLE");
        if (enable_s && enable_s[0] == '0') tracking_enabled = 0;
        pthread_key_create(&thread_exit_key, on_thread_exit);
        pthread_atfork(NULL, NULL, on_fork_child);
        if (fcntl(fd, F_GETFD) >= 0) channel_fd = fd;
    }
    __atomic_store_n(&init_state, 2, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void shim_constructor(void) { init(); }
__attribute__((destructor)) static void shim_destructor(void) { ad_flush_all(); }

int ad_active(void)
{
    if (__builtin_expect(init_state != 2, 0)) init();
    return channel_fd >= 0;
}

// The program wants the channel's fd number: move the channel to another number (no close-on-exec) and
// update the environment entry that exec wrappers give to children.
int ad_move_channel(void)
{
    int fd = fcntl(channel_fd, F_DUPFD, 10);
    if (fd < 0) return -1;
    channel_fd = fd;
    char digits[12];
    int nd = 0;
    for (unsigned v = (unsigned)fd; nd == 0 || v; v /= 10) digits[nd++] = (char)('0' + v % 10);
    size_t l = sizeof "LMAKE_AUTODEP_FD=" - 1;
    while (nd) env_fd[l++] = digits[--nd];
    env_fd[l] = 0;
    return fd;
}

int ad_channel_fd(void) { return ad_active() ? channel_fd : -1; }
const char *const *ad_own_environ(void) { return ad_active() ? own_environ : NULL; }

void *ad_real(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) { static const char msg[] = "libautodep: a libc symbol is missing\n"; (void)!write(2, msg, sizeof msg - 1); abort(); }
    return f;
}

// Tracked names: strictly under the repo root, or strictly under a source dir.
int ad_tracked_prefix(const char *abs, size_t len)
{
    if (len > root_len && abs[root_len] == '/' && memcmp(abs, root, root_len) == 0) return 1;
    for (int i = 0; i < n_src_dirs; i++)
        if (len > src_lens[i] && memcmp(abs, src_dirs[i], src_lens[i]) == 0) return 2;
    return 0;
}

const char *ad_map_view(const char *abs, size_t *len, char *buf)
{
    for (int i = 0; i < n_views; i++) {
        size_t ll = view_logical_len[i];
        if (*len < ll || memcmp(abs, view_logical[i], ll) != 0 || (*len > ll && abs[ll] != '/')) continue;
        size_t pl = view_physical_len[i], rest = *len - ll;
        if (pl + rest >= PATH_MAX) return abs;
        memcpy(buf, view_physical[i], pl);
        memcpy(buf + pl, abs + ll, rest + 1);
        *len = pl + rest;
        return buf;
    }
    return abs;
}

size_t ad_root_len(void) { return root_len; }

const char *ad_root(void) { return root; }

int ad_is_root(const char *abs, size_t len) { return len == root_len && memcmp(abs, root, root_len) == 0; }

int ad_auto_mkdir(void) { return ad_active() && opt_auto_mkdir; }

int ad_external_links(void) { return opt_external_links; }

static void write_all(const char *data, size_t len)
{
    while (len > 0) {
        long n = syscall(SYS_write, channel_fd, data, len);
        if (n < 0) { if (errno == EINTR) continue; return; }  // job_exec is gone: nothing to report to
        data += n;
        len -= (size_t)n;
    }
}

static void flush_buffer(ThreadBuffer *b)
{
    size_t len = b->len;
    if (len == 0 || channel_fd < 0) return;
    int saved = errno;
    write_all(b->data, len);
    b->len = 0;
    errno = saved;
}

static void register_thread(ThreadBuffer *b)
{
    b->registered = 1;
    for (int i = 0; i < AD_MAX_THREADS; i++) {
        ThreadBuffer *none = NULL;
        if (__atomic_compare_exchange_n(&registry[i], &none, b, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) break;
    }
    pthread_setspecific(thread_exit_key, b);  // non-NULL value: on_thread_exit runs when the thread ends
}

// For lmake.Autodep (python, through ctypes): turns reporting of this process's accesses off (0) or on
// (1) and returns the previous state; the records buffered so far are sent first.
EXPORT int lmake_autodep_set(int enable)
{
    if (!ad_active()) return 1;
    ad_flush();
    int previous = tracking_enabled;
    tracking_enabled = enable != 0;
    return previous;
}

// For in-job commands that talk to the channel from inside this process (python's lmake.depend...): the
// accesses made before the call must reach job_exec before the request does.
EXPORT void lmake_autodep_flush(void) { ad_flush(); }

void ad_record(unsigned kinds, int existed, const char *name)
{
    if (!ad_active() || !tracking_enabled) return;
    size_t nl = strlen(name);
    size_t rl = nl + 3;
    if (rl > PIPE_BUF) return;
    ThreadBuffer *b = &tls_buffer;
    if (b->busy) {  // a signal handler interrupted an append: send this record on its own
        char rec[PIPE_BUF];
        rec[0] = (char)kinds; rec[1] = (char)(existed ? 0x81 : 0x80);
        memcpy(rec + 2, name, nl + 1);
        write_all(rec, rl);
        return;
    }
    b->busy = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (!b->registered) register_thread(b);
    if (b->len + rl > sizeof b->data) flush_buffer(b);
    char *d = b->data + b->len;
    d[0] = (char)kinds; d[1] = (char)(existed ? 0x81 : 0x80);
    memcpy(d + 2, name, nl + 1);
    __atomic_store_n(&b->len, b->len + rl, __ATOMIC_RELEASE);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    b->busy = 0;
}

void ad_flush(void)
{
    if (!ad_active()) return;
    ThreadBuffer *b = &tls_buffer;
    if (b->busy) return;  // interrupted append: the interrupted code flushes later
    b->busy = 1;          // a signal handler's records during the write go out on their own
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    flush_buffer(b);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    b->busy = 0;
}

void ad_flush_all(void)
{
    if (!ad_active()) return;
    ad_flush();
    for (int i = 0; i < AD_MAX_THREADS; i++) {
        ThreadBuffer *b = __atomic_load_n(&registry[i], __ATOMIC_ACQUIRE);
        if (b && b != &tls_buffer) flush_buffer(b);  // best effort: those threads are still running
    }
}

void ad_access(unsigned kinds, int existed, int dirfd, const char *path, int follow_last)
{
    if (!ad_active() || !path) return;
    char name[PATH_MAX];
    int saved = errno;
    if (ad_resolve(dirfd, path, follow_last, name)) ad_record(kinds, existed, name);
    errno = saved;
}

void ad_access_dir(unsigned kinds, int existed, int dirfd, const char *path)
{
    if (!ad_active() || !path) return;
    char name[PATH_MAX];
    int saved = errno;
    if (ad_resolve_ex(dirfd, path, 1, name, 1)) ad_record(kinds, existed, name);
    errno = saved;
}
