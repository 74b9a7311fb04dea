// Wrappers of the calls that open files: open/openat/creat (with their *64 and fortified __*_2 forms),
// fopen/freopen and the mkstemp family. A read is recorded whether it succeeds or not (a missing file is
// a dep too); a write only when it happened.
#include "shim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*open_fn)(const char *, int, ...);
typedef FILE *(*fopen_fn)(const char *, const char *);
typedef FILE *(*freopen_fn)(const char *, const char *, FILE *);

// What an open with these flags does to the file.
static unsigned kinds_of_flags(int flags)
{
    if (flags & O_PATH) return AD_STAT;
    if (flags & O_DIRECTORY) return AD_STAT;  // listing it goes through getdents, caught as opendir
    switch (flags & O_ACCMODE) {
    case O_RDONLY: return AD_READ;
    case O_WRONLY: return AD_WRITE;
    default: return (flags & O_TRUNC) ? AD_WRITE : AD_READ | AD_WRITE;
    }
}

// An open that reads the file and creates it when it is missing (O_RDWR|O_CREAT without O_TRUNC or O_EXCL, as
// lock files and fingerprints are opened; fopen "a+"): succeeding, it says nothing of whether the file was there.
// A file the job creates holds nothing it did not write itself: no read of an earlier content, hence no dep and
// no target found already there. So whether it was there is asked first (errno kept: the call's is what counts).
static int may_create_and_read(int flags)
{
    return (flags & O_CREAT) && !(flags & (O_EXCL | O_TRUNC | O_PATH | O_DIRECTORY)) && (flags & O_ACCMODE) == O_RDWR;
}

static int there_before(int dirfd, const char *path)
{
    int e = errno;
    int there = syscall(SYS_faccessat, dirfd, path, F_OK) == 0 || !ad_missing_errno(errno);
    errno = e;
    return there;
}

// pre: whether the file was there before the call (1 when not asked).
static void after_open(int dirfd, const char *path, int flags, int ok, int err, int pre)
{
    unsigned kinds = kinds_of_flags(flags);
    if (ok && !pre) kinds &= ~(unsigned)AD_READ;  // created by this call: only written
    int follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
    if (!ok && (flags & O_CREAT) && (flags & O_EXCL) && err == EEXIST) {
        // an exclusive create that found the file: the job learnt it exists (a stat of it), nothing was written
        ad_access(AD_STAT, 1, dirfd, path, 0);
        return;
    }
    if (kinds & AD_WRITE) {
        if (!ok) kinds &= ~(unsigned)AD_WRITE;  // nothing was written
        if (!kinds) return;
    }
    ad_access(kinds, ok || !ad_missing_errno(err), dirfd, path, follow);
}

#define OPENAT_WRAPPER(name)                                                             \
    EXPORT int name(int dirfd, const char *path, int flags, ...)                        \
    {                                                                                    \
        mode_t mode = 0;                                                                 \
        if (flags & (O_CREAT | __O_TMPFILE)) {                                           \
            va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap);      \
        }                                                                                \
        REAL(openat_fn, name);                                                           \
        int pre = !ad_active() || !may_create_and_read(flags) || there_before(dirfd, path); \
        int fd = real_##name(dirfd, path, flags, mode);                                  \
        if (ad_active()) { int e = errno; after_open(dirfd, path, flags, fd >= 0, e, pre); errno = e; } \
        return fd;                                                                       \
    }
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

#define OPEN_WRAPPER(name)                                                               \
    EXPORT int name(const char *path, int flags, ...)                                   \
    {                                                                                    \
        mode_t mode = 0;                                                                 \
        if (flags & (O_CREAT | __O_TMPFILE)) {                                           \
            va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap);      \
        }                                                                                \
        REAL(open_fn, name);                                                             \
        int pre = !ad_active() || !may_create_and_read(flags) || there_before(AT_FDCWD, path); \
        int fd = real_##name(path, flags, mode);                                         \
        if (ad_active()) { int e = errno; after_open(AT_FDCWD, path, flags, fd >= 0, e, pre); errno = e; } \
        return fd;                                                                       \
    }
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

// The fortified forms (-D_FORTIFY_SOURCE) that compilers emit when the mode cannot be checked statically.
int __open_2(const char *, int);
int __open64_2(const char *, int);
int __openat_2(int, const char *, int);
int __openat64_2(int, const char *, int);
#define FORTIFIED_OPEN(name)                                                             \
    EXPORT int name(const char *path, int flags)                                        \
    {                                                                                    \
        REAL(int (*)(const char *, int), name);                                          \
        int fd = real_##name(path, flags);                                               \
        if (ad_active()) { int e = errno; after_open(AT_FDCWD, path, flags, fd >= 0, e, 1); errno = e; } \
        return fd;                                                                       \
    }
FORTIFIED_OPEN(__open_2)
FORTIFIED_OPEN(__open64_2)
#define FORTIFIED_OPENAT(name)                                                           \
    EXPORT int name(int dirfd, const char *path, int flags)                             \
    {                                                                                    \
        REAL(int (*)(int, const char *, int), name);                                     \
        int fd = real_##name(dirfd, path, flags);                                        \
        if (ad_active()) { int e = errno; after_open(dirfd, path, flags, fd >= 0, e, 1); errno = e; } \
        return fd;                                                                       \
    }
FORTIFIED_OPENAT(__openat_2)
FORTIFIED_OPENAT(__openat64_2)

#define CREAT_WRAPPER(name)                                                              \
    EXPORT int name(const char *path, mode_t mode)                                      \
    {                                                                                    \
        REAL(int (*)(const char *, mode_t), name);                                       \
        int fd = real_##name(path, mode);                                                \
        if (ad_active() && fd >= 0) ad_access(AD_WRITE, 1, AT_FDCWD, path, 1);           \
        return fd;                                                                       \
    }
CREAT_WRAPPER(creat)
CREAT_WRAPPER(creat64)

// fopen modes: "r" reads, "w"/"a" write, '+' adds the other side (except "w+", which truncates first).
static unsigned kinds_of_mode(const char *mode)
{
    if (!mode) return 0;
    int plus = strchr(mode, '+') != NULL;
    switch (mode[0]) {
    case 'r': return plus ? AD_READ | AD_WRITE : AD_READ;
    case 'w': return AD_WRITE;
    case 'a': return plus ? AD_READ | AD_WRITE : AD_WRITE;
    default: return 0;
    }
}

// fopen "a+": reads, and creates the file when it is missing (see may_create_and_read).
static int mode_may_create_and_read(const char *mode) { return mode && mode[0] == 'a' && strchr(mode, '+'); }

static void after_fopen(const char *path, const char *mode, int ok, int err, int pre)
{
    unsigned kinds = kinds_of_mode(mode);
    if (!ok) kinds &= ~(unsigned)AD_WRITE;
    else if (!pre) kinds &= ~(unsigned)AD_READ;
    if (!kinds) return;
    int follow = !(mode && strchr(mode, 'x'));
    ad_access(kinds, ok || !ad_missing_errno(err), AT_FDCWD, path, follow);
}

#define FOPEN_WRAPPER(name)                                                              \
    EXPORT FILE *name(const char *path, const char *mode)                               \
    {                                                                                    \
        REAL(fopen_fn, name);                                                            \
        int pre = !ad_active() || !mode_may_create_and_read(mode) || there_before(AT_FDCWD, path); \
        FILE *f = real_##name(path, mode);                                               \
        if (ad_active()) { int e = errno; after_fopen(path, mode, f != NULL, e, pre); errno = e; } \
        return f;                                                                        \
    }
FOPEN_WRAPPER(fopen)
FOPEN_WRAPPER(fopen64)

#define FREOPEN_WRAPPER(name)                                                            \
    EXPORT FILE *name(const char *path, const char *mode, FILE *stream)                 \
    {                                                                                    \
        REAL(freopen_fn, name);                                                          \
        int pre = !ad_active() || !path || !mode_may_create_and_read(mode) || there_before(AT_FDCWD, path); \
        FILE *f = real_##name(path, mode, stream);                                       \
        if (ad_active() && path) { int e = errno; after_fopen(path, mode, f != NULL, e, pre); errno = e; } \
        return f;                                                                        \
    }
FREOPEN_WRAPPER(freopen)
FREOPEN_WRAPPER(freopen64)

// mkstemp and friends open inside libc, out of reach of the open wrappers: the file they made is a write.
#define MKSTEMP_WRAPPER(name, params, args)                                              \
    EXPORT int name params                                                               \
    {                                                                                    \
        REAL(int (*) params, name);                                                      \
        int fd = real_##name args;                                                       \
        if (ad_active() && fd >= 0) { int e = errno; ad_access(AD_WRITE, 1, AT_FDCWD, tmpl, 0); errno = e; } \
        return fd;                                                                       \
    }
MKSTEMP_WRAPPER(mkstemp, (char *tmpl), (tmpl))
MKSTEMP_WRAPPER(mkstemp64, (char *tmpl), (tmpl))
MKSTEMP_WRAPPER(mkostemp, (char *tmpl, int flags), (tmpl, flags))
MKSTEMP_WRAPPER(mkostemp64, (char *tmpl, int flags), (tmpl, flags))
MKSTEMP_WRAPPER(mkstemps, (char *tmpl, int suffixlen), (tmpl, suffixlen))
MKSTEMP_WRAPPER(mkstemps64, (char *tmpl, int suffixlen), (tmpl, suffixlen))
MKSTEMP_WRAPPER(mkostemps, (char *tmpl, int suffixlen, int flags), (tmpl, suffixlen, flags))
MKSTEMP_WRAPPER(mkostemps64, (char *tmpl, int suffixlen, int flags), (tmpl, suffixlen, flags))
