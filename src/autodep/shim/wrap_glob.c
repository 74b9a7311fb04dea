// glob/glob64: glibc lists directories inside glob with its own internal opendir, out of reach of the
// opendir wrapper. The wrappers ask glob to go through directory functions of ours (GLOB_ALTDIRFUNC), which
// record each directory glob lists (a readdir, as for opendir) and each name it stats, then call the
// program's own functions when it gave some, else libc's.
#include "shim.h"

#include <dirent.h>
#include <glob.h>
#include <string.h>
#include <sys/stat.h>

// The program's own directory functions for the glob call under way in this thread (GLOB_ALTDIRFUNC given
// by the program), else NULL: libc's are used. Saved and restored around each call (an errfunc may glob).
typedef struct {
    void (*closedir)(void *);
    void *(*readdir)(void *);
    void *(*opendir)(const char *);
    int (*lstat)(const char *, void *);
    int (*stat)(const char *, void *);
} AltDirFuncs;
static __thread const AltDirFuncs *tls_user_funcs __attribute__((tls_model("initial-exec")));

static void *glob_opendir(const char *name)
{
    const AltDirFuncs *u = tls_user_funcs;
    DIR *(*real_opendir)(const char *) = (DIR * (*)(const char *)) ad_real("opendir");
    void *d = u ? u->opendir(name) : (void *)real_opendir(name);
    int e = errno;
    ad_access_dir(AD_READDIR, d != NULL || !ad_missing_errno(e), AT_FDCWD, name);
    errno = e;
    return d;
}

static void *glob_readdir(void *d)
{
    const AltDirFuncs *u = tls_user_funcs;
    return u ? u->readdir(d) : (void *)readdir((DIR *)d);
}

static void glob_closedir(void *d)
{
    const AltDirFuncs *u = tls_user_funcs;
    if (u) u->closedir(d);
    else closedir((DIR *)d);
}

static int glob_stat(const char *name, void *buf)
{
    const AltDirFuncs *u = tls_user_funcs;
    int (*real_stat)(const char *, struct stat *) = (int (*)(const char *, struct stat *))ad_real("stat");
    int r = u ? u->stat(name, buf) : real_stat(name, buf);
    int e = errno;
    ad_access(AD_STAT, r == 0 || !ad_missing_errno(e), AT_FDCWD, name, 1);
    errno = e;
    return r;
}

static int glob_lstat(const char *name, void *buf)
{
    const AltDirFuncs *u = tls_user_funcs;
    int (*real_lstat)(const char *, struct stat *) = (int (*)(const char *, struct stat *))ad_real("lstat");
    int r = u ? u->lstat(name, buf) : real_lstat(name, buf);
    int e = errno;
    ad_access(AD_STAT, r == 0 || !ad_missing_errno(e), AT_FDCWD, name, 0);
    errno = e;
    return r;
}

// glob_t and glob64_t have the same layout on 64-bit targets (dirent/dirent64 and stat/stat64 too): one body
// serves both, the callbacks being set through the fields of the type the program passed.
#define GLOB_WRAPPER(name, glob_type)                                                                   \
    EXPORT int name(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_type *g)     \
    {                                                                                                   \
        REAL(int (*)(const char *, int, int (*)(const char *, int), glob_type *), name);               \
        if (!ad_active()) return real_##name(pattern, flags, errfunc, g);                              \
        AltDirFuncs user;                                                                               \
        const AltDirFuncs *saved = tls_user_funcs;                                                      \
        int user_alt = (flags & GLOB_ALTDIRFUNC) != 0;                                                  \
        if (user_alt) {                                                                                 \
            user.closedir = g->gl_closedir; user.readdir = (void *(*)(void *))g->gl_readdir;           \
            user.opendir = g->gl_opendir;                                                               \
            user.lstat = (int (*)(const char *, void *))g->gl_lstat;                                    \
            user.stat = (int (*)(const char *, void *))g->gl_stat;                                      \
        }                                                                                               \
        tls_user_funcs = user_alt ? &user : NULL;                                                       \
        g->gl_closedir = glob_closedir;                                                                 \
        g->gl_readdir = (__typeof__(g->gl_readdir))glob_readdir;                                        \
        g->gl_opendir = glob_opendir;                                                                   \
        g->gl_lstat = (__typeof__(g->gl_lstat))glob_lstat;                                              \
        g->gl_stat = (__typeof__(g->gl_stat))glob_stat;                                                 \
        int r = real_##name(pattern, flags | GLOB_ALTDIRFUNC, errfunc, g);                             \
        tls_user_funcs = saved;                                                                         \
        if (user_alt) {                                                                                 \
            g->gl_closedir = user.closedir; g->gl_readdir = (__typeof__(g->gl_readdir))user.readdir;   \
            g->gl_opendir = user.opendir;                                                               \
            g->gl_lstat = (__typeof__(g->gl_lstat))user.lstat;                                          \
            g->gl_stat = (__typeof__(g->gl_stat))user.stat;                                             \
        } else {                                                                                        \
            g->gl_flags &= ~GLOB_ALTDIRFUNC;                                                            \
        }                                                                                               \
        return r;                                                                                       \
    }

GLOB_WRAPPER(glob, glob_t)
GLOB_WRAPPER(glob64, glob64_t)
