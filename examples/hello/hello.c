#include <stdio.h>
#include "greeting.h"

int main(void) {
    printf("%s, world\n", greeting());
    return 0;
}
