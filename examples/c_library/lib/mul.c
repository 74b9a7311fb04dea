// mathx_mul: the library's multiplication (tests/test_mul.c checks it).
#include "mathx.h"

int mathx_mul(int a, int b) { return a * b; }
