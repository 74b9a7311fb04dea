// What the kernel and the dynamic loader read when a program is exec'd, before any wrapper of the new program
// can see it: the "#!" interpreters of a script (followed to the kernel's depth) and the places where the
// loader looks for the program's libraries (LD_LIBRARY_PATH, RPATH, RUNPATH: a dir of the repo there makes
// a library the job does not have yet a dep, as the loader would take it once made). No malloc: this runs
// between vfork and exec.
#include "shim.h"

#include <elf.h>
#include <limits.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

// The kernel follows at most this many "#!" interpreters (the 5th gives ELOOP): those it reads are deps.
#define AD_MAX_INTERPRETERS 4
// Libraries looked for at most, and how deep their own needs are followed.
#define AD_MAX_LIB_DEPTH 4

static int exists(const char *path) { return syscall(SYS_faccessat, AT_FDCWD, path, F_OK) == 0; }

static long read_at(int fd, void *buf, size_t len, long off) { return syscall(SYS_pread64, fd, buf, len, off); }

// The interpreter named by the "#!" line of path, into out; 0 when path is no script.
static int interpreter_of(const char *path, char *out, size_t cap)
{
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char head[256];
    long n = syscall(SYS_read, (int)fd, head, sizeof head - 1);
    syscall(SYS_close, (int)fd);
    if (n < 3 || head[0] != '#' || head[1] != '!') return 0;
    head[n] = 0;
    char *p = head + 2;
    while (*p == ' ' || *p == '\t') p++;
    char *e = p;
    while (*e && *e != ' ' && *e != '\t' && *e != '\n') e++;
    size_t l = (size_t)(e - p);
    if (l == 0 || l >= cap) return 0;
    memcpy(out, p, l);
    out[l] = 0;
    return 1;
}

void ad_report_interpreters(const char *path)
{
    if (!ad_active() || !path) return;
    int saved = errno;
    char cur[PATH_MAX], next[PATH_MAX];
    size_t l = strlen(path);
    if (l >= sizeof cur) return;
    memcpy(cur, path, l + 1);
    for (int depth = 0; depth < AD_MAX_INTERPRETERS && interpreter_of(cur, next, sizeof next); depth++) {
        int found = exists(next);  // a relative interpreter is relative to the cwd, for the kernel too
        ad_access(AD_EXEC, found, AT_FDCWD, next, 1);
        if (!found) break;
        memcpy(cur, next, strlen(next) + 1);
    }
    errno = saved;
}

// What the loader needs of one ELF object: its DT_NEEDED names (NUL-separated in needed) and its search dirs.
typedef struct {
    char needed[2048];
    size_t needed_len;
    char rpath[1024];
    char runpath[1024];
} DynamicInfo;

// File offset of a virtual address, through the loadable segments.
static long offset_of(const Elf64_Phdr *ph, int n, Elf64_Addr addr)
{
    for (int i = 0; i < n; i++)
        if (ph[i].p_type == PT_LOAD && addr >= ph[i].p_vaddr && addr < ph[i].p_vaddr + ph[i].p_filesz)
            return (long)(addr - ph[i].p_vaddr + ph[i].p_offset);
    return -1;
}

static void read_string(int fd, long off, char *out, size_t cap)
{
    out[0] = 0;
    long n = read_at(fd, out, cap - 1, off);
    if (n <= 0) { out[0] = 0; return; }
    out[n] = 0;  // the string ends at its NUL, inside or at the end of what was read
}

static int read_dynamic(const char *path, DynamicInfo *info)
{
    info->needed_len = 0; info->rpath[0] = 0; info->runpath[0] = 0;
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    int ok = 0;
    Elf64_Ehdr eh;
    Elf64_Phdr ph[32];
    if (read_at((int)fd, &eh, sizeof eh, 0) != (long)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0
        || eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 32)
        goto done;
    if (read_at((int)fd, ph, eh.e_phnum * sizeof(Elf64_Phdr), (long)eh.e_phoff) != (long)(eh.e_phnum * sizeof(Elf64_Phdr))) goto done;
    int n = eh.e_phnum;
    const Elf64_Phdr *dyn = NULL;
    for (int i = 0; i < n; i++) if (ph[i].p_type == PT_DYNAMIC) dyn = &ph[i];
    if (!dyn) goto done;
    // two passes over the dynamic section: DT_STRTAB first (its place is needed to read the names)
    Elf64_Addr strtab = 0;
    Elf64_Dyn d[64];
    for (int pass = 0; pass < 2; pass++) {
        long strtab_off = pass ? offset_of(ph, n, strtab) : 0;
        if (pass && strtab_off < 0) goto done;
        for (Elf64_Off at = 0; at < dyn->p_filesz; at += sizeof d) {
            long got = read_at((int)fd, d, sizeof d, (long)(dyn->p_offset + at));
            if (got <= 0) break;
            for (long i = 0; i < got / (long)sizeof d[0]; i++) {
                if (d[i].d_tag == DT_NULL) goto next_pass;
                if (!pass) { if (d[i].d_tag == DT_STRTAB) strtab = d[i].d_un.d_ptr; continue; }
                long off = strtab_off + (long)d[i].d_un.d_val;
                if (d[i].d_tag == DT_NEEDED) {
                    char name[256];
                    read_string((int)fd, off, name, sizeof name);
                    size_t l = strlen(name);
                    if (l && info->needed_len + l + 1 < sizeof info->needed) {
                        memcpy(info->needed + info->needed_len, name, l + 1);
                        info->needed_len += l + 1;
                    }
                } else if (d[i].d_tag == DT_RPATH) read_string((int)fd, off, info->rpath, sizeof info->rpath);
                else if (d[i].d_tag == DT_RUNPATH) read_string((int)fd, off, info->runpath, sizeof info->runpath);
            }
        }
    next_pass:;
    }
    ok = 1;
done:
    syscall(SYS_close, (int)fd);
    return ok;
}

// Looks for name in the ':'-separated dirs (an empty one is the cwd; $ORIGIN is origin's dir), as the loader
// does: each place tried in the repo is recorded; found gets the first that exists.
static int search_dirs(const char *dirs, const char *origin, const char *name, char *found)
{
    if (!dirs) return 0;
    size_t nl = strlen(name);
    for (const char *p = dirs;;) {
        const char *e = strchrnul(p, ':');
        char cand[PATH_MAX];
        size_t cl = 0;
        for (const char *q = p; q < e && cl < sizeof cand - 1;) {
            size_t ol = 0;
            if (strncmp(q, "$ORIGIN", 7) == 0) ol = 7;
            else if (strncmp(q, "${ORIGIN}", 9) == 0) ol = 9;
            if (ol && origin) {
                size_t l = strlen(origin);
                if (cl + l >= sizeof cand - 1) { cl = sizeof cand; break; }
                memcpy(cand + cl, origin, l);
                cl += l;
                q += ol;
            } else cand[cl++] = *q++;
        }
        if (cl == 0) cand[cl++] = '.';
        if (cl + 1 + nl < sizeof cand) {
            cand[cl] = '/';
            memcpy(cand + cl + 1, name, nl + 1);
            int there = exists(cand);
            ad_access(AD_READ, there, AT_FDCWD, cand, 1);
            if (there) { memcpy(found, cand, cl + 1 + nl + 1); return 1; }
        }
        if (!*e) return 0;
        p = e + 1;
    }
}

static int already_seen(const char *seen, size_t len, const char *name)
{
    for (size_t i = 0; i < len; i += strlen(seen + i) + 1)
        if (strcmp(seen + i, name) == 0) return 1;
    return 0;
}

static void search_libraries(const char *object, const char *library_path, char *seen, size_t *seen_len, int depth)
{
    DynamicInfo info;
    if (!read_dynamic(object, &info)) return;
    char origin[PATH_MAX];
    size_t ol = strlen(object);
    memcpy(origin, object, ol + 1);
    char *slash = strrchr(origin, '/');
    if (slash) *slash = 0; else { origin[0] = '.'; origin[1] = 0; }
    for (size_t i = 0; i < info.needed_len; i += strlen(info.needed + i) + 1) {
        const char *name = info.needed + i;
        if (strchr(name, '/') || already_seen(seen, *seen_len, name)) continue;
        size_t l = strlen(name);
        if (*seen_len + l + 1 < 4096) { memcpy(seen + *seen_len, name, l + 1); *seen_len += l + 1; }
        char found[PATH_MAX];
        int got = (!info.runpath[0] && search_dirs(info.rpath, origin, name, found))
               || search_dirs(library_path, NULL, name, found)
               || search_dirs(info.runpath, origin, name, found);
        // the system dirs come next: outside the repo, nothing to record there
        if (got && depth + 1 < AD_MAX_LIB_DEPTH) search_libraries(found, library_path, seen, seen_len, depth + 1);
    }
}

void ad_report_libraries(const char *path, const char *library_path)
{
    if (!ad_active() || !path) return;
    int saved = errno;
    char name[PATH_MAX];
    // only where the repo may be searched: an LD_LIBRARY_PATH, or a program of the repo (its RPATH/RUNPATH)
    if ((library_path && library_path[0]) || ad_resolve(AT_FDCWD, path, 1, name)) {
        char seen[4096];
        size_t seen_len = 0;
        search_libraries(path, library_path, seen, &seen_len, 0);
    }
    errno = saved;
}
