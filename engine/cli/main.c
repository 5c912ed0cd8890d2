#include "nytte/nytte.h"
#include <stdio.h>
int main(void) { printf("nytte %s\n", nytte_version()); return 0; }
