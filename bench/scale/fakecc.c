/* A compiler stand-in for bench-scale: it does what a build system sees of a C compiler, and nothing it would
 * not see. It reads its source and, recursively, every header it #includes (found in the -I dirs, then beside
 * the file that includes it), writes an "object" whose content is a hash of all of them, and, when asked
 * (-MF, as gcc -MMD does for ninja), a depfile naming them. Linking (no -c) reads every input and writes a
 * hash of them. So the dependency graph is the real one, but a job costs a millisecond, not a compile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIRS 16
#define MAX_SEEN 4096

static const char *dirs[MAX_DIRS];
static int n_dirs;
static char *seen[MAX_SEEN];
static int n_seen;
static unsigned long long hash = 1469598103934665603ULL;

static void mix(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) { hash ^= (unsigned char)p[i]; hash *= 1099511628211ULL; }
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, r;
    char *buf = malloc(cap + 1);
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) { n += r; if (n == cap) buf = realloc(buf, (cap *= 2) + 1); }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

static int already(const char *path) {
    for (int i = 0; i < n_seen; i++) if (!strcmp(seen[i], path)) return 1;
    if (n_seen < MAX_SEEN) seen[n_seen++] = strdup(path);
    return 0;
}

static void read_source(const char *path) {
    if (already(path)) return;
    size_t len;
    char *text = slurp(path, &len);
    if (!text) { fprintf(stderr, "fakecc: cannot read %s\n", path); exit(1); }
    mix(text, len);
    for (char *line = text; line && *line; ) {
        char *next = strchr(line, '\n');
        if (next) *next++ = 0;
        char *inc = strstr(line, "#include");
        if (inc == line) {
            char *open = strpbrk(inc, "\"<");
            char *close = open ? strpbrk(open + 1, "\">") : NULL;
            if (open && close) {
                *close = 0;
                char cand[4096];
                int found = 0;
                for (int d = 0; d < n_dirs && !found; d++) {
                    snprintf(cand, sizeof cand, "%s/%s", dirs[d], open + 1);
                    FILE *f = fopen(cand, "r");
                    if (f) { fclose(f); found = 1; }
                }
                if (!found) {   /* beside the including file; a system header (<stdio.h>) is not ours: skipped */
                    const char *slash = strrchr(path, '/');
                    snprintf(cand, sizeof cand, "%.*s%s", slash ? (int)(slash - path + 1) : 0, path, open + 1);
                    FILE *f = fopen(cand, "r");
                    if (f) { fclose(f); found = 1; }
                }
                if (found) read_source(cand);
            }
        }
        line = next;
    }
    free(text);
}

int main(int argc, char **argv) {
    const char *out = NULL, *depfile = NULL;
    const char *inputs[65536];
    int n_in = 0, compile = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(a, "-MF") && i + 1 < argc) depfile = argv[++i];
        else if (!strcmp(a, "-c")) compile = 1;
        else if (!strncmp(a, "-I", 2) && n_dirs < MAX_DIRS) dirs[n_dirs++] = a[2] ? a + 2 : argv[++i];
        else if (a[0] == '-') continue;   /* -O0, -MMD, -Wl,...: nothing a build system sees */
        else if (n_in < 65536) inputs[n_in++] = a;
    }
    if (!out || n_in == 0) { fprintf(stderr, "fakecc: usage: fakecc [-c] [-Idir] [-MF dep] -o out inputs\n"); return 2; }
    for (int i = 0; i < n_in; i++) {
        if (compile) read_source(inputs[i]);
        else {
            size_t len;
            char *data = slurp(inputs[i], &len);
            if (!data) { fprintf(stderr, "fakecc: cannot read %s\n", inputs[i]); return 1; }
            mix(data, len);
            free(data);
        }
    }
    FILE *f = fopen(out, "w");
    if (!f) { fprintf(stderr, "fakecc: cannot write %s\n", out); return 1; }
    fprintf(f, "fakecc %016llx\n", hash);
    fclose(f);
    if (depfile) {
        FILE *d = fopen(depfile, "w");
        if (!d) { fprintf(stderr, "fakecc: cannot write %s\n", depfile); return 1; }
        fprintf(d, "%s:", out);
        for (int i = 0; i < n_seen; i++) fprintf(d, " \\\n  %s", seen[i]);
        fprintf(d, "\n");
        fclose(d);
    }
    return 0;
}
