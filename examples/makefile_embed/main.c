// tool: prints its version.
#include <stdio.h>
#include "version.h"

int main(void) { printf("tool %s\n", TOOL_VERSION); return 0; }
