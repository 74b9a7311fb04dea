// Wrappers of the calls that look at a file without reading its content: the stat family (with the
// pre-2.33 __xstat forms that older binaries still call), access, readlink, realpath, and the directory
// listings (opendir, fdopendir, scandir).
#include "shim.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct stat;
struct stat64;
struct statx;

static inline void after(unsigned kinds, int ok, int err, int dirfd, const char *path, int follow)
{
    ad_access(kinds, ok || !ad_missing_errno(err), dirfd, path, follow);
}

// A listing: the repo root is a dir that may be listed too.
static inline void after_dir(int ok, int err, int dirfd, const char *path)
{
    ad_access_dir(AD_READDIR, ok || !ad_missing_errno(err), dirfd, path);
}

#define PATH_STAT(name, buf_t, follow)                                                   \
    EXPORT int name(const char *path, buf_t *buf)                                        \
    {                                                                                    \
        REAL(int (*)(const char *, buf_t *), name);                                      \
        int r = real_##name(path, buf);                                                  \
        if (ad_active()) { int e = errno; after(AD_STAT, r == 0, e, AT_FDCWD, path, follow); errno = e; } \
        return r;                                                                        \
    }
PATH_STAT(stat, struct stat, 1)
PATH_STAT(stat64, struct stat64, 1)
PATH_STAT(lstat, struct stat, 0)
PATH_STAT(lstat64, struct stat64, 0)

#define FSTATAT(name, buf_t)                                                             \
    EXPORT int name(int dirfd, const char *path, buf_t *buf, int flags)                 \
    {                                                                                    \
        REAL(int (*)(int, const char *, buf_t *, int), name);                            \
        int r = real_##name(dirfd, path, buf, flags);                                    \
        if (ad_active()) { int e = errno; after(AD_STAT, r == 0, e, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW)); errno = e; } \
        return r;                                                                        \
    }
FSTATAT(fstatat, struct stat)
FSTATAT(fstatat64, struct stat64)

EXPORT int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf)
{
    REAL(int (*)(int, const char *, int, unsigned, struct statx *), statx);
    int r = real_statx(dirfd, path, flags, mask, buf);
    if (ad_active()) { int e = errno; after(AD_STAT, r == 0, e, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW)); errno = e; }
    return r;
}

// glibc < 2.33 compiled stat() into calls of these; glibc 2.36 still exports them for old binaries.
int __xstat(int, const char *, struct stat *);
int __xstat64(int, const char *, struct stat64 *);
int __lxstat(int, const char *, struct stat *);
int __lxstat64(int, const char *, struct stat64 *);
int __fxstatat(int, int, const char *, struct stat *, int);
int __fxstatat64(int, int, const char *, struct stat64 *, int);
#define XSTAT(name, buf_t, follow)                                                       \
    EXPORT int name(int ver, const char *path, buf_t *buf)                               \
    {                                                                                    \
        REAL(int (*)(int, const char *, buf_t *), name);                                 \
        int r = real_##name(ver, path, buf);                                             \
        if (ad_active()) { int e = errno; after(AD_STAT, r == 0, e, AT_FDCWD, path, follow); errno = e; } \
        return r;                                                                        \
    }
XSTAT(__xstat, struct stat, 1)
XSTAT(__xstat64, struct stat64, 1)
XSTAT(__lxstat, struct stat, 0)
XSTAT(__lxstat64, struct stat64, 0)
#define FXSTATAT(name, buf_t)                                                            \
    EXPORT int name(int ver, int dirfd, const char *path, buf_t *buf, int flags)         \
    {                                                                                    \
        REAL(int (*)(int, int, const char *, buf_t *, int), name);                       \
        int r = real_##name(ver, dirfd, path, buf, flags);                               \
        if (ad_active()) { int e = errno; after(AD_STAT, r == 0, e, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW)); errno = e; } \
        return r;                                                                        \
    }
FXSTATAT(__fxstatat, struct stat)
FXSTATAT(__fxstatat64, struct stat64)

#define ACCESS(name)                                                                     \
    EXPORT int name(const char *path, int mode)                                          \
    {                                                                                    \
        REAL(int (*)(const char *, int), name);                                          \
        int r = real_##name(path, mode);                                                 \
        if (ad_active()) { int e = errno; after(AD_STAT, r == 0, e, AT_FDCWD, path, 1); errno = e; } \
        return r;                                                                        \
    }
ACCESS(access)
ACCESS(euidaccess)
ACCESS(eaccess)

EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
    REAL(int (*)(int, const char *, int, int), faccessat);
    int r = real_faccessat(dirfd, path, mode, flags);
    if (ad_active()) { int e = errno; after(AD_STAT, r == 0, e, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW)); errno = e; }
    return r;
}

EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
    REAL(ssize_t (*)(const char *, char *, size_t), readlink);
    ssize_t r = real_readlink(path, buf, size);
    if (ad_active()) { int e = errno; after(AD_READLINK, r >= 0, e, AT_FDCWD, path, 0); errno = e; }
    return r;
}

EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
    REAL(ssize_t (*)(int, const char *, char *, size_t), readlinkat);
    ssize_t r = real_readlinkat(dirfd, path, buf, size);
    if (ad_active()) { int e = errno; after(AD_READLINK, r >= 0, e, dirfd, path, 0); errno = e; }
    return r;
}

// realpath walks the name with libc-internal calls: report the walk ourselves (links crossed, then the end).
EXPORT char *realpath(const char *path, char *resolved)
{
    REAL(char *(*)(const char *, char *), realpath);
    char *r = real_realpath(path, resolved);
    if (ad_active()) { int e = errno; after(AD_STAT, r != NULL, e, AT_FDCWD, path, 1); errno = e; }
    return r;
}

EXPORT char *canonicalize_file_name(const char *path)
{
    REAL(char *(*)(const char *), canonicalize_file_name);
    char *r = real_canonicalize_file_name(path);
    if (ad_active()) { int e = errno; after(AD_STAT, r != NULL, e, AT_FDCWD, path, 1); errno = e; }
    return r;
}

EXPORT DIR *opendir(const char *path)
{
    REAL(DIR *(*)(const char *), opendir);
    DIR *d = real_opendir(path);
    if (ad_active()) { int e = errno; after_dir(d != NULL, e, AT_FDCWD, path); errno = e; }
    return d;
}

EXPORT DIR *fdopendir(int fd)
{
    REAL(DIR *(*)(int), fdopendir);
    DIR *d = real_fdopendir(fd);
    if (ad_active() && d) { int e = errno; ad_access_dir(AD_READDIR, 1, fd, "."); errno = e; }
    return d;
}

typedef int (*dirent_filter)(const struct dirent *);
typedef int (*dirent_compare)(const struct dirent **, const struct dirent **);
typedef int (*dirent64_filter)(const struct dirent64 *);
typedef int (*dirent64_compare)(const struct dirent64 **, const struct dirent64 **);

EXPORT int scandir(const char *path, struct dirent ***list, dirent_filter filter, dirent_compare compare)
{
    REAL(int (*)(const char *, struct dirent ***, dirent_filter, dirent_compare), scandir);
    int r = real_scandir(path, list, filter, compare);
    if (ad_active()) { int e = errno; after_dir(r >= 0, e, AT_FDCWD, path); errno = e; }
    return r;
}

EXPORT int scandir64(const char *path, struct dirent64 ***list, dirent64_filter filter, dirent64_compare compare)
{
    REAL(int (*)(const char *, struct dirent64 ***, dirent64_filter, dirent64_compare), scandir64);
    int r = real_scandir64(path, list, filter, compare);
    if (ad_active()) { int e = errno; after_dir(r >= 0, e, AT_FDCWD, path); errno = e; }
    return r;
}

EXPORT int scandirat(int dirfd, const char *path, struct dirent ***list, dirent_filter filter, dirent_compare compare)
{
    REAL(int (*)(int, const char *, struct dirent ***, dirent_filter, dirent_compare), scandirat);
    int r = real_scandirat(dirfd, path, list, filter, compare);
    if (ad_active()) { int e = errno; after_dir(r >= 0, e, dirfd, path); errno = e; }
    return r;
}

// The fortified forms (-D_FORTIFY_SOURCE) call libc-internal functions, out of reach of the plain wrappers.
ssize_t __readlink_chk(const char *, char *, size_t, size_t);
ssize_t __readlinkat_chk(int, const char *, char *, size_t, size_t);
char *__realpath_chk(const char *, char *, size_t);

EXPORT ssize_t __readlink_chk(const char *path, char *buf, size_t size, size_t bufsize)
{
    REAL(ssize_t (*)(const char *, char *, size_t, size_t), __readlink_chk);
    ssize_t r = real___readlink_chk(path, buf, size, bufsize);
    if (ad_active()) { int e = errno; after(AD_READLINK, r >= 0, e, AT_FDCWD, path, 0); errno = e; }
    return r;
}

EXPORT ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t size, size_t bufsize)
{
    REAL(ssize_t (*)(int, const char *, char *, size_t, size_t), __readlinkat_chk);
    ssize_t r = real___readlinkat_chk(dirfd, path, buf, size, bufsize);
    if (ad_active()) { int e = errno; after(AD_READLINK, r >= 0, e, dirfd, path, 0); errno = e; }
    return r;
}

EXPORT char *__realpath_chk(const char *path, char *resolved, size_t size)
{
    REAL(char *(*)(const char *, char *, size_t), __realpath_chk);
    char *r = real___realpath_chk(path, resolved, size);
    if (ad_active()) { int e = errno; after(AD_STAT, r != NULL, e, AT_FDCWD, path, 1); errno = e; }
    return r;
}
