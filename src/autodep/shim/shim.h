// libautodep.so (LD_PRELOAD): what every part of the shim shares — the access kinds, the report channel,
// path resolution and the lookup of the real libc functions the wrappers forward to.
#ifndef LMAKE_SHIM_H
#define LMAKE_SHIM_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>

#define EXPORT __attribute__((visibility("default")))

// Access kinds: the same bit values as Lmake.Autodep.AccessKind on the C# side.
enum {
    AD_READ = 1, AD_STAT = 2, AD_READLINK = 4, AD_READDIR = 8, AD_EXEC = 16,
    AD_WRITE = 32, AD_UNLINK = 64, AD_MKDIR = 128,
};

// Wire format (the runner of the job, lmakeserver or lautodep, reads it on its JobReactor thread: TrackedJob
// feeds Lmake.Autodep.AccessReportParser; the ptrace tracer writes the same records): the shim writes to the
// inherited pipe whose number is in $LMAKE_AUTODEP_FD a sequence of records
//     [u8 kinds (AD_* bits, never 0)] [u8 flags (0x80, | 1 if the file existed: never 0)] [name bytes] [u8 0]
// The name is relative to the repo root ($LMAKE_AUTODEP_ROOT) for files in the repo, and absolute for files
// under one of the source dirs ($LMAKE_AUTODEP_SRC, ':'-separated, each ending in '/'). Records are
// buffered per thread and sent by one write(2) of at most PIPE_BUF bytes, which the kernel keeps atomic:
// records of concurrent processes and threads never interleave. Names too long for one write are dropped.

// True when the shim has a channel (the process runs in a job of lmake or lautodep); false makes every wrapper
// a pass-through.
int ad_active(void);

// Resolves (dirfd, path) like the kernel (cwd, '..', each symlink on the way, which is reported as a
// readlink dep) and, when it lands in the repo or a source dir, records `kinds` for it.
// follow_last: whether a symlink as the last component is followed (0 for lstat, O_NOFOLLOW, readlink...).
void ad_access(unsigned kinds, int existed, int dirfd, const char *path, int follow_last);

// As ad_access, for a directory being listed: the repo root itself counts too, under the name ".".
void ad_access_dir(unsigned kinds, int existed, int dirfd, const char *path);

// Resolves like ad_access without recording the final name (still records the links crossed); writes the
// tracked name into out (PATH_MAX bytes) and returns 1, or returns 0 when the file is not tracked.
int ad_resolve(int dirfd, const char *path, int follow_last, char *out);

// ad_resolve, where root_ok also accepts the repo root itself (out is then ".").
int ad_resolve_ex(int dirfd, const char *path, int follow_last, char *out, int root_ok);

// Appends one record for an already resolved name (as produced by ad_resolve).
void ad_record(unsigned kinds, int existed, const char *name);

// Sends the calling thread's buffered records (before exec, fork, blocking waits), or every thread's (exit).
void ad_flush(void);
void ad_flush_all(void);

// Whether an absolute, already resolved name is tracked: 1 under the repo root, 2 under a source dir, 0 not.
int ad_tracked_prefix(const char *abs, size_t len);
size_t ad_root_len(void);

// The name under which an absolute name of the job's world (abs, *len bytes, NUL-terminated) is tracked: in a
// view of the job's namespace, the same name under the view's physical dir, written into buf (PATH_MAX bytes,
// *len updated); else abs itself.
const char *ad_map_view(const char *abs, size_t *len, char *buf);
const char *ad_root(void);
int ad_is_root(const char *abs, size_t len);

// Whether the job's rule has auto_mkdir: a chdir to a missing dir of the repo makes it first.
int ad_auto_mkdir(void);

// Whether symlinks outside the repo and the source dirs are followed too (link_support 'full_ext').
int ad_external_links(void);

// Records the interpreters of the script path names (relative to the cwd), as the kernel reads them at exec:
// "#!" lines followed up to the kernel's depth (4 interpreters).
void ad_report_interpreters(const char *path);

// Records, for the program path (about to be exec'd with LD_LIBRARY_PATH = library_path, may be NULL), the
// places in the repo where the dynamic loader looks for its libraries (they are read before the shim runs).
void ad_report_libraries(const char *path, const char *library_path);

// Invalidates the cached cwd of every thread (after chdir/fchdir, and at exec/_exit: see resolve.c).
void ad_cwd_changed(void);

// Forgets the directories known to hold no symlink (after renames and removals: see resolve.c).
void ad_tree_changed(void);

// The fd of the channel (-1 if none): the fd wrappers keep the program from closing it, and move it (report.c's
// ad_move_channel) when the program dup2s onto its number.
int ad_channel_fd(void);

// The environment entries the runner gave the shim (LMAKE_AUTODEP_FD, _ROOT, _SRC, LD_PRELOAD and
// LMAKE_JOB_CHANNEL), NULL-terminated, so that exec wrappers can put them back when a program runs a child
// with a cleaned environment.
const char *const *ad_own_environ(void);

// The next definition of a libc symbol (RTLD_NEXT), looked up once.
void *ad_real(const char *name);
#define REAL(type, name) static __typeof__(type) real_##name; if (!real_##name) real_##name = (type)ad_real(#name)

// Whether a failed call's errno means the file does not exist (as opposed to: exists but refused).
static inline int ad_missing_errno(int e) { return e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG; }

#endif
