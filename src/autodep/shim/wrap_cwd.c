// chdir/fchdir: the kernel keeps the cwd; the shim only forgets the copy it caches (see resolve.c).
#include "shim.h"

#include <unistd.h>

EXPORT int chdir(const char *path)
{
    REAL(int (*)(const char *), chdir);
    int r = real_chdir(path);
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
