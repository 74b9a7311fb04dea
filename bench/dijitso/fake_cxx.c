/* A "compiler" that only creates its -o file: timing dijitso with it isolates dijitso's own cost of a miss. */
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "-o") == 0) {
            FILE* f = fopen(argv[i + 1], "w");
            if (!f) return 1;
            fputs("\177ELF fake library\n", f);
            return fclose(f) != 0;
        }
    return 1;
}
