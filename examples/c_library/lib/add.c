// mathx_add: the library's addition (tests/test_add.c checks it).
#include "mathx.h"

int mathx_add(int a, int b) { return a + b; }
