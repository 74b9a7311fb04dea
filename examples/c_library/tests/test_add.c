// Unit test of mathx_add: prints "test_add: ok", or what failed and exits 1.
#include <stdio.h>
#include "mathx.h"

int main(void) {
    if (mathx_add(2, 3) != 5) { printf("test_add: 2+3 gave %d\n", mathx_add(2, 3)); return 1; }
    if (mathx_add(-1, 1) != 0) { printf("test_add: -1+1 gave %d\n", mathx_add(-1, 1)); return 1; }
    printf("test_add: ok\n");
    return 0;
}
