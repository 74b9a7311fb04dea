// Wrappers around process life: exec* and posix_spawn* (the executable, a script's interpreter and the
// PATH probes are deps; the child keeps the shim even when given a cleaned environment), and the points
// where buffered records must leave the process: fork, system, popen, waits, _exit. Also dlopen.
#include "shim.h"

#include <dlfcn.h>
#include <link.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define AD_MAX_ENV 4096  // larger environments are passed untouched (the copy lives on the stack)

static int exists_executable(const char *path) { return syscall(SYS_faccessat, AT_FDCWD, path, X_OK) == 0; }

// library_path: the LD_LIBRARY_PATH the program is given (NULL: none).
static void report_exec(int dirfd, const char *path, const char *library_path)
{
    if (!ad_active() || !path) return;
    int saved = errno;
    char name[PATH_MAX];
    int ok = exists_executable(path);
    if (ad_resolve(dirfd, path, 1, name)) ad_record(AD_EXEC, ok, name);
    // a program outside the repo may still run an interpreter, or load libraries, of the repo
    if (ok) { ad_report_interpreters(path); ad_report_libraries(path, library_path); }
    errno = saved;
}

// What execvp does: each PATH entry is tried in turn; entries in the repo that miss are deps too, so that
// a tool appearing earlier in PATH reruns the job.
static void report_exec_search(const char *file, const char *library_path)
{
    if (!ad_active() || !file) return;
    if (strchr(file, '/')) { report_exec(AT_FDCWD, file, library_path); return; }
    int saved = errno;
    const char *path = getenv("PATH");
    if (!path) path = "/bin:/usr/bin";
    size_t fl = strlen(file);
    for (const char *p = path;;) {
        const char *e = strchrnul(p, ':');
        size_t dl = (size_t)(e - p);
        char cand[PATH_MAX];
        if (dl + 1 + fl < sizeof cand) {
            if (dl == 0) { memcpy(cand, file, fl + 1); }  // an empty entry is the cwd
            else { memcpy(cand, p, dl); cand[dl] = '/'; memcpy(cand + dl + 1, file, fl + 1); }
            int ok = exists_executable(cand);
            char name[PATH_MAX];
            if (ad_resolve(AT_FDCWD, cand, 1, name)) {
                ad_record(ok ? AD_EXEC : AD_STAT, ok, name);
            }
            if (ok) { ad_report_interpreters(cand); ad_report_libraries(cand, library_path); }
            if (ok) break;
        }
        if (!*e) break;
        p = e + 1;
    }
    errno = saved;
}

// The value of LD_LIBRARY_PATH in an environment (NULL when absent).
static const char *library_path_of(char *const envp[])
{
    if (!envp) return NULL;
    for (char *const *e = envp; *e; e++)
        if (strncmp(*e, "LD_LIBRARY_PATH=", 16) == 0) return *e + 16;
    return NULL;
}

static int has_exact_entry(char *const envp[], const char *entry)
{
    for (char *const *e = envp; *e; e++)
        if (strcmp(*e, entry) == 0) return 1;
    return 0;
}

static int is_shim_entry(const char *e)
{
    return strncmp(e, "LD_PRELOAD=", 11) == 0 || strncmp(e, "LMAKE_AUTODEP_", 14) == 0
        || strncmp(e, "LMAKE_JOB_CHANNEL=", 18) == 0;
}

// Calls `run` with envp, or with envp plus the shim's own entries when the program removed them (env -i,
// subprocess with env=...) or the channel moved: the child must stay tracked. Built on the stack: no malloc after vfork.
#define WITH_TRACKED_ENV(envp, run_with)                                                         \
    do {                                                                                         \
        const char *const *own_ = ad_own_environ();                                              \
        size_t n_ = 0;                                                                           \
        if (own_ && (envp)) while ((envp)[n_] && n_ <= AD_MAX_ENV) n_++;                         \
        if (!own_ || !(envp) || n_ > AD_MAX_ENV || has_exact_entry((envp), own_[0])) { char *const *env_ = (envp); run_with; } \
        else {                                                                                   \
            char *tmp_[n_ + 8];                                                                  \
            size_t k_ = 0;                                                                       \
            for (size_t i_ = 0; i_ < n_; i_++)                                                   \
                if (!is_shim_entry((envp)[i_])) tmp_[k_++] = (envp)[i_];        \
            for (const char *const *o_ = own_; *o_; o_++) tmp_[k_++] = (char *)*o_;              \
            tmp_[k_] = NULL;                                                                     \
            char *const *env_ = tmp_;                                                            \
            run_with;                                                                            \
        }                                                                                        \
    } while (0)

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    REAL(int (*)(const char *, char *const *, char *const *), execve);
    report_exec(AT_FDCWD, path, library_path_of(envp));
    ad_flush();
    ad_cwd_changed();
    int r;
    WITH_TRACKED_ENV(envp, r = real_execve(path, argv, env_));
    return r;
}

EXPORT int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
    REAL(int (*)(const char *, char *const *, char *const *), execvpe);
    report_exec_search(file, library_path_of(envp));
    ad_flush();
    ad_cwd_changed();
    int r;
    WITH_TRACKED_ENV(envp, r = real_execvpe(file, argv, env_));
    return r;
}

EXPORT int execvp(const char *file, char *const argv[]) { return execvpe(file, argv, environ); }

// execl* take their arguments inline: gather them on the stack, then as execv*.
#define GATHER_ARGS(first, argv_name, extra)                                                     \
    va_list ap_;                                                                                 \
    size_t n_ = 1;                                                                               \
    va_start(ap_, first);                                                                        \
    while (va_arg(ap_, char *)) n_++;                                                            \
    va_end(ap_);                                                                                 \
    char *argv_name[n_ + 1];                                                                     \
    argv_name[0] = (char *)(first);                                                              \
    va_start(ap_, first);                                                                        \
    for (size_t i_ = 1; i_ <= n_; i_++) argv_name[i_] = va_arg(ap_, char *);                      \
    extra;                                                                                       \
    va_end(ap_)

EXPORT int execl(const char *path, const char *arg, ...)
{
    GATHER_ARGS(arg, argv, (void)0);
    return execve(path, argv, environ);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
    GATHER_ARGS(arg, argv, (void)0);
    return execvpe(file, argv, environ);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
    char *const *envp;
    GATHER_ARGS(arg, argv, envp = va_arg(ap_, char *const *));
    return execve(path, argv, envp);
}

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
                        char *const[], char *const[]);

EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                       const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    REAL(spawn_fn, posix_spawn);
    report_exec(AT_FDCWD, path, library_path_of(envp));
    ad_flush();
    int r;
    WITH_TRACKED_ENV(envp, r = real_posix_spawn(pid, path, actions, attr, argv, env_));
    return r;
}

EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                        const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    REAL(spawn_fn, posix_spawnp);
    report_exec_search(file, library_path_of(envp));
    ad_flush();
    int r;
    WITH_TRACKED_ENV(envp, r = real_posix_spawnp(pid, file, actions, attr, argv, env_));
    return r;
}

// Records still buffered at fork would be sent twice (by both processes) and in the wrong order.
EXPORT pid_t fork(void)
{
    REAL(pid_t (*)(void), fork);
    ad_flush();
    return real_fork();
}

EXPORT int system(const char *cmd)
{
    REAL(int (*)(const char *), system);
    ad_flush();
    return real_system(cmd);
}

EXPORT FILE *popen(const char *cmd, const char *mode)
{
    REAL(FILE *(*)(const char *, const char *), popen);
    ad_flush();
    return real_popen(cmd, mode);
}

// Before waiting for a child, send what this process did first: deps keep their first-access order.
EXPORT pid_t waitpid(pid_t pid, int *status, int options)
{
    REAL(pid_t (*)(pid_t, int *, int), waitpid);
    if (!(options & WNOHANG)) ad_flush();
    return real_waitpid(pid, status, options);
}

EXPORT pid_t wait(int *status)
{
    REAL(pid_t (*)(int *), wait);
    ad_flush();
    return real_wait(status);
}

EXPORT pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage)
{
    REAL(pid_t (*)(pid_t, int *, int, struct rusage *), wait4);
    if (!(options & WNOHANG)) ad_flush();
    return real_wait4(pid, status, options, usage);
}

EXPORT int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
    REAL(int (*)(idtype_t, id_t, siginfo_t *, int), waitid);
    if (!(options & WNOHANG)) ad_flush();
    return real_waitid(idtype, id, info, options);
}

// _exit skips the destructors that flush at exit (shells' subshells, vfork children end this way).
EXPORT void _exit(int status)
{
    REAL(void (*)(int), _exit);
    ad_flush_all();
    ad_cwd_changed();
    real__exit(status);
    __builtin_unreachable();
}

EXPORT void _Exit(int status)
{
    REAL(void (*)(int), _Exit);
    ad_flush_all();
    ad_cwd_changed();
    real__Exit(status);
    __builtin_unreachable();
}

// The library the loader picked (along its search path) is the dep, not the name asked for.
EXPORT void *dlopen(const char *file, int mode)
{
    REAL(void *(*)(const char *, int), dlopen);
    void *h = real_dlopen(file, mode);
    if (ad_active() && file) {
        int e = errno;
        struct link_map *lm = NULL;
        // l_name is the name the loader opened: absolute when found along the search path, as given otherwise.
        if (h && dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm && lm->l_name && lm->l_name[0])
            ad_access(AD_READ, 1, AT_FDCWD, lm->l_name, 1);
        else if (!h && strchr(file, '/'))
            ad_access(AD_READ, 0, AT_FDCWD, file, 1);
        errno = e;
    }
    return h;
}
