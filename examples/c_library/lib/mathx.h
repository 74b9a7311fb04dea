// mathx: the library's interface.
#pragma once
int mathx_add(int a, int b);
int mathx_mul(int a, int b);
