// calc A B: prints A+B and A*B with the library.
#include <stdio.h>
#include <stdlib.h>
#include "mathx.h"

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: calc A B\n"); return 2; }
    int a = atoi(argv[1]), b = atoi(argv[2]);
    printf("%d + %d = %d\n%d * %d = %d\n", a, b, mathx_add(a, b), a, b, mathx_mul(a, b));
    return 0;
}
