/*
** cli.h -- the `caw` command line: global options, database choice,
** dispatch to built-in commands and to the Lua command plugins.
*/
#ifndef CAW_CLI_H
#define CAW_CLI_H

/* Run caw with the process arguments; returns the exit code. */
int caw_cli_main(int argc, char **argv);

#endif
