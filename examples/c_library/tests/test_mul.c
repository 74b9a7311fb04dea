// Unit test of mathx_mul: prints "test_mul: ok", or what failed and exits 1.
#include <stdio.h>
#include "mathx.h"

int main(void) {
    if (mathx_mul(4, 5) != 20) { printf("test_mul: 4*5 gave %d\n", mathx_mul(4, 5)); return 1; }
    if (mathx_mul(7, 0) != 0) { printf("test_mul: 7*0 gave %d\n", mathx_mul(7, 0)); return 1; }
    printf("test_mul: ok\n");
    return 0;
}
