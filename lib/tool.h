/* What every tool does first and last. */
#ifndef IPCUTILS_TOOL_H
#define IPCUTILS_TOOL_H

#include <stdnoreturn.h>

/*
 * Name the tool for diagnostics, turn SIGPIPE into EPIPE (a closed reader
 * is an error on that stream, never a silent death), and check at exit
 * that everything written to stdout through stdio really got there.
 */
void tool_init(const char *name);

/* "NAME (ipcutils) VERSION" on stdout, exit 0. */
noreturn void print_version(void);

/* Write the usage text to stdout and exit 0 (for -h, --help). */
noreturn void print_usage(const char *text);

/* The standard message for a failed write to stdout; exits 1. */
noreturn void die_stdout(void);

#endif
