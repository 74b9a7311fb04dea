// Applies every generated operation to 7 and 3.
#include <stdio.h>
#include "ops.h"

int main(void) {
    for (int i = 0; i < N_OPS; i++) printf("%s(7, 3) = %d\n", ops[i].name, ops[i].fn(7, 3));
    return 0;
}
