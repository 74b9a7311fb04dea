// chdir/fchdir: the kernel keeps the cwd; the shim forgets the copy it caches (see resolve.c). With the rule's
// auto_mkdir, a chdir to a dir of the repo that does not exist makes it first, so that the names the job then
// reads relative to it are the deps it means (a/b, not b), even before another job makes a/b.
#include "shim.h"

#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// Makes every missing dir of the repo-relative name (like mkdir -p), each recorded as a mkdir.
static void make_dirs(const char *name)
{
    const char *root = ad_root();
    size_t rl = strlen(root), nl = strlen(name);
    char abs[PATH_MAX];
    if (rl + 1 + nl >= sizeof abs) return;
    memcpy(abs, root, rl);
    abs[rl] = '/';
    memcpy(abs + rl + 1, name, nl + 1);
    for (size_t i = rl + 1;; i++) {
        if (abs[i] != '/' && abs[i] != 0) continue;
        char c = abs[i];
        abs[i] = 0;
        if (syscall(SYS_mkdirat, AT_FDCWD, abs, 0777) == 0) ad_record(AD_MKDIR, 1, abs + rl + 1);
        abs[i] = c;
        if (!c) break;
    }
}

EXPORT int chdir(const char *path)
{
    REAL(int (*)(const char *), chdir);
    int r = real_chdir(path);
    if (r != 0 && errno == ENOENT && ad_auto_mkdir()) {
        char name[PATH_MAX];
        if (ad_resolve(AT_FDCWD, path, 1, name) && name[0] != '/') {  // in the repo (not a source dir)
            make_dirs(name);
            r = real_chdir(path);
        }
        if (r != 0) errno = ENOENT;
    }
    if (r == 0) ad_cwd_changed();
    return r;
}

EXPORT int fchdir(int fd)
{
    REAL(int (*)(int), fchdir);
    int r = real_fchdir(fd);
    if (r == 0) ad_cwd_changed();
    return r;
}
