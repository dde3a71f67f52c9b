/* main.c -- the caw executable: everything happens in cli.c. */
#include "caw/cli.h"

int main(int argc, char **argv) { return caw_cli_main(argc, argv); }
