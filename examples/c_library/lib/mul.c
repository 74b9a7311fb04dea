#include "mathx.h"

int mathx_mul(int a, int b) { return a * b; }
