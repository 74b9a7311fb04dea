// Keeps the report channel alive: programs that close every fd they do not know (daemons, subprocess with
// close_fds) or dup2 onto its number would otherwise silence the shim or have it write into their files.
#include "shim.h"

#include <unistd.h>

EXPORT int close(int fd)
{
    REAL(int (*)(int), close);
    if (fd >= 0 && fd == ad_channel_fd()) return 0;  // pretend: the program no longer uses that number
    return real_close(fd);
}

EXPORT int close_range(unsigned first, unsigned last, int flags)
{
    REAL(int (*)(unsigned, unsigned, int), close_range);
    int ch = ad_channel_fd();
    if (ch < 0 || (unsigned)ch < first || (unsigned)ch > last) return real_close_range(first, last, flags);
    int r = 0;
    if ((unsigned)ch > first) r = real_close_range(first, (unsigned)ch - 1, flags);
    if (r == 0 && (unsigned)ch < last) r = real_close_range((unsigned)ch + 1, last, flags);
    return r;
}

EXPORT void closefrom(int lowfd)
{
    int ch = ad_channel_fd();
    if (ch < 0 || ch < lowfd) { REAL(void (*)(int), closefrom); real_closefrom(lowfd); return; }
    close_range((unsigned)lowfd, ~0U, 0);
}

// Moving the channel away from a number the program wants: job_exec needs no fixed number, the shim
// follows the move (the children learn it from the environment entry put back at exec).
int ad_move_channel(void);

EXPORT int dup2(int oldfd, int newfd)
{
    REAL(int (*)(int, int), dup2);
    if (newfd >= 0 && newfd == ad_channel_fd() && oldfd != newfd && ad_move_channel() < 0) { errno = EBUSY; return -1; }
    return real_dup2(oldfd, newfd);
}

EXPORT int dup3(int oldfd, int newfd, int flags)
{
    REAL(int (*)(int, int, int), dup3);
    if (newfd >= 0 && newfd == ad_channel_fd() && oldfd != newfd && ad_move_channel() < 0) { errno = EBUSY; return -1; }
    return real_dup3(oldfd, newfd, flags);
}
