// Wrappers of the calls that change the file tree without opening: rename, unlink/rmdir/remove, link,
// symlink, mkdir, truncate, and the metadata writes (chmod, *xattr, utime*) that change what lmake checks.
// Each is recorded only when it happened.
#include "shim.h"

#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#define REPORT_IF_OK(ok, kinds, dirfd, path, follow)                                     \
    do { if (ad_active() && (ok)) { int e_ = errno; ad_access((kinds), 1, (dirfd), (path), (follow)); errno = e_; } } while (0)

// Renames and removals may turn a directory into a symlink: names cached as link-free are forgotten.
#define TREE_CHANGED(ok) do { if (ok) ad_tree_changed(); } while (0)

// The old name loses its file (an unlink), the new one gets it (a write); neither is read.
EXPORT int rename(const char *from, const char *to)
{
    REAL(int (*)(const char *, const char *), rename);
    int r = real_rename(from, to);
    TREE_CHANGED(r == 0);
    REPORT_IF_OK(r == 0, AD_UNLINK, AT_FDCWD, from, 0);
    REPORT_IF_OK(r == 0, AD_WRITE, AT_FDCWD, to, 0);
    return r;
}

EXPORT int renameat(int fromfd, const char *from, int tofd, const char *to)
{
    REAL(int (*)(int, const char *, int, const char *), renameat);
    int r = real_renameat(fromfd, from, tofd, to);
    TREE_CHANGED(r == 0);
    REPORT_IF_OK(r == 0, AD_UNLINK, fromfd, from, 0);
    REPORT_IF_OK(r == 0, AD_WRITE, tofd, to, 0);
    return r;
}

EXPORT int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags)
{
    REAL(int (*)(int, const char *, int, const char *, unsigned), renameat2);
    int r = real_renameat2(fromfd, from, tofd, to, flags);
    TREE_CHANGED(r == 0);
    // RENAME_EXCHANGE swaps the two: both are written.
    REPORT_IF_OK(r == 0, (flags & RENAME_EXCHANGE) ? AD_WRITE : AD_UNLINK, fromfd, from, 0);
    REPORT_IF_OK(r == 0, AD_WRITE, tofd, to, 0);
    return r;
}

#define PATH_ONLY(name, kinds, follow)                                                   \
    EXPORT int name(const char *path)                                                    \
    {                                                                                    \
        REAL(int (*)(const char *), name);                                               \
        int r = real_##name(path);                                                       \
        TREE_CHANGED(r == 0);                                                            \
        REPORT_IF_OK(r == 0, kinds, AT_FDCWD, path, follow);                             \
        return r;                                                                        \
    }
PATH_ONLY(unlink, AD_UNLINK, 0)
PATH_ONLY(rmdir, AD_UNLINK, 0)
PATH_ONLY(remove, AD_UNLINK, 0)

EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
    REAL(int (*)(int, const char *, int), unlinkat);
    int r = real_unlinkat(dirfd, path, flags);
    TREE_CHANGED(r == 0);
    REPORT_IF_OK(r == 0, AD_UNLINK, dirfd, path, 0);
    return r;
}

EXPORT int link(const char *from, const char *to)
{
    REAL(int (*)(const char *, const char *), link);
    int r = real_link(from, to);
    REPORT_IF_OK(r == 0, AD_READ, AT_FDCWD, from, 0);
    REPORT_IF_OK(r == 0, AD_WRITE, AT_FDCWD, to, 0);
    return r;
}

EXPORT int linkat(int fromfd, const char *from, int tofd, const char *to, int flags)
{
    REAL(int (*)(int, const char *, int, const char *, int), linkat);
    int r = real_linkat(fromfd, from, tofd, to, flags);
    REPORT_IF_OK(r == 0, AD_READ, fromfd, from, (flags & AT_SYMLINK_FOLLOW) != 0);
    REPORT_IF_OK(r == 0, AD_WRITE, tofd, to, 0);
    return r;
}

EXPORT int symlink(const char *target, const char *path)
{
    REAL(int (*)(const char *, const char *), symlink);
    int r = real_symlink(target, path);
    TREE_CHANGED(r == 0);
    REPORT_IF_OK(r == 0, AD_WRITE, AT_FDCWD, path, 0);
    return r;
}

EXPORT int symlinkat(const char *target, int dirfd, const char *path)
{
    REAL(int (*)(const char *, int, const char *), symlinkat);
    int r = real_symlinkat(target, dirfd, path);
    TREE_CHANGED(r == 0);
    REPORT_IF_OK(r == 0, AD_WRITE, dirfd, path, 0);
    return r;
}

EXPORT int mkdir(const char *path, mode_t mode)
{
    REAL(int (*)(const char *, mode_t), mkdir);
    int r = real_mkdir(path, mode);
    REPORT_IF_OK(r == 0, AD_MKDIR, AT_FDCWD, path, 0);
    return r;
}

EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
    REAL(int (*)(int, const char *, mode_t), mkdirat);
    int r = real_mkdirat(dirfd, path, mode);
    REPORT_IF_OK(r == 0, AD_MKDIR, dirfd, path, 0);
    return r;
}

#define TRUNCATE(name, off_type)                                                         \
    EXPORT int name(const char *path, off_type len)                                      \
    {                                                                                    \
        REAL(int (*)(const char *, off_type), name);                                     \
        int r = real_##name(path, len);                                                  \
        REPORT_IF_OK(r == 0, AD_WRITE, AT_FDCWD, path, 1);                               \
        return r;                                                                        \
    }
TRUNCATE(truncate, off_t)
TRUNCATE(truncate64, off64_t)

// The executable bit is part of a file's checksum: chmod is a write.
EXPORT int chmod(const char *path, mode_t mode)
{
    REAL(int (*)(const char *, mode_t), chmod);
    int r = real_chmod(path, mode);
    REPORT_IF_OK(r == 0, AD_WRITE, AT_FDCWD, path, 1);
    return r;
}

EXPORT int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
    REAL(int (*)(int, const char *, mode_t, int), fchmodat);
    int r = real_fchmodat(dirfd, path, mode, flags);
    REPORT_IF_OK(r == 0, AD_WRITE, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
    return r;
}

#define SETXATTR(name, follow)                                                           \
    EXPORT int name(const char *path, const char *key, const void *value, size_t size, int flags) \
    {                                                                                    \
        REAL(int (*)(const char *, const char *, const void *, size_t, int), name);      \
        int r = real_##name(path, key, value, size, flags);                              \
        REPORT_IF_OK(r == 0, AD_WRITE, AT_FDCWD, path, follow);                          \
        return r;                                                                        \
    }
SETXATTR(setxattr, 1)
SETXATTR(lsetxattr, 0)

#define REMOVEXATTR(name, follow)                                                        \
    EXPORT int name(const char *path, const char *key)                                   \
    {                                                                                    \
        REAL(int (*)(const char *, const char *), name);                                 \
        int r = real_##name(path, key);                                                  \
        REPORT_IF_OK(r == 0, AD_WRITE, AT_FDCWD, path, follow);                          \
        return r;                                                                        \
    }
REMOVEXATTR(removexattr, 1)
REMOVEXATTR(lremovexattr, 0)

EXPORT int utime(const char *path, const struct utimbuf *times)
{
    REAL(int (*)(const char *, const struct utimbuf *), utime);
    int r = real_utime(path, times);
    REPORT_IF_OK(r == 0, AD_WRITE, AT_FDCWD, path, 1);
    return r;
}

#define UTIMES(name, follow)                                                             \
    EXPORT int name(const char *path, const struct timeval times[2])                     \
    {                                                                                    \
        REAL(int (*)(const char *, const struct timeval *), name);                       \
        int r = real_##name(path, times);                                                \
        REPORT_IF_OK(r == 0, AD_WRITE, AT_FDCWD, path, follow);                          \
        return r;                                                                        \
    }
UTIMES(utimes, 1)
UTIMES(lutimes, 0)

EXPORT int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
    REAL(int (*)(int, const char *, const struct timespec *, int), utimensat);
    int r = real_utimensat(dirfd, path, times, flags);
    const char *volatile name = path;  // NULL (futimens) acts on dirfd itself: ad_access ignores it
    REPORT_IF_OK(r == 0, AD_WRITE, dirfd, name, !(flags & AT_SYMLINK_NOFOLLOW));
    return r;
}
