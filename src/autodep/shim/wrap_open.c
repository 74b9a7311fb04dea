// Wrappers of the calls that open files: open/openat/creat (with their *64 and fortified __*_2 forms),
// fopen/freopen and the mkstemp family. A read is recorded whether it succeeds or not (a missing file is
// a dep too); a write only when it happened.
#include "shim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static void after_open(int dirfd, const char *path, int flags, int ok, int err)
{
    unsigned kinds = kinds_of_flags(flags);
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
        int fd = real_##name(dirfd, path, flags, mode);                                  \
        if (ad_active()) { int e = errno; after_open(dirfd, path, flags, fd >= 0, e); errno = e; } \
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
        int fd = real_##name(path, flags, mode);                                         \
        if (ad_active()) { int e = errno; after_open(AT_FDCWD, path, flags, fd >= 0, e); errno = e; } \
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
        if (ad_active()) { int e = errno; after_open(AT_FDCWD, path, flags, fd >= 0, e); errno = e; } \
        return fd;                                                                       \
    }
FORTIFIED_OPEN(__open_2)
FORTIFIED_OPEN(__open64_2)
#define FORTIFIED_OPENAT(name)                                                           \
    EXPORT int name(int dirfd, const char *path, int flags)                             \
    {                                                                                    \
        REAL(int (*)(int, const char *, int), name);                                     \
        int fd = real_##name(dirfd, path, flags);                                        \
        if (ad_active()) { int e = errno; after_open(dirfd, path, flags, fd >= 0, e); errno = e; } \
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

static void after_fopen(const char *path, const char *mode, int ok, int err)
{
    unsigned kinds = kinds_of_mode(mode);
    if (!ok) kinds &= ~(unsigned)AD_WRITE;
    if (!kinds) return;
    int follow = !(mode && strchr(mode, 'x'));
    ad_access(kinds, ok || !ad_missing_errno(err), AT_FDCWD, path, follow);
}

#define FOPEN_WRAPPER(name)                                                              \
    EXPORT FILE *name(const char *path, const char *mode)                               \
    {                                                                                    \
        REAL(fopen_fn, name);                                                            \
        FILE *f = real_##name(path, mode);                                               \
        if (ad_active()) { int e = errno; after_fopen(path, mode, f != NULL, e); errno = e; } \
        return f;                                                                        \
    }
FOPEN_WRAPPER(fopen)
FOPEN_WRAPPER(fopen64)

#define FREOPEN_WRAPPER(name)                                                            \
    EXPORT FILE *name(const char *path, const char *mode, FILE *stream)                 \
    {                                                                                    \
        REAL(freopen_fn, name);                                                          \
        FILE *f = real_##name(path, mode, stream);                                       \
        if (ad_active() && path) { int e = errno; after_fopen(path, mode, f != NULL, e); errno = e; } \
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
