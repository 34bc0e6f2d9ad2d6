/* SPDX-License-Identifier: ISC */
/* What every tool does first and last. */
#ifndef IPCUTILS_TOOL_H
#define IPCUTILS_TOOL_H

#include <stdbool.h>
#include <stdnoreturn.h>

/*
 * Name the tool for diagnostics, turn SIGPIPE into EPIPE (a closed reader
 * is an error on that stream, never a silent death), and check at exit
 * that everything written to stdout through stdio really got there.
 */
void tool_init(const char *name);

/*
 * tool_init also fills a closed stdin, stdout or stderr with /dev/null, so
 * no descriptor the tool opens later can land on 0, 1 or 2 (a file meant
 * for the tool would otherwise receive its output, or be read as input).
 * std_closed(fd) tells whether fd was closed at start; need_std(fd) exits
 * 1 with "standard input is closed" (or output) if it was: a tool calls it
 * for each stream it needs, before it creates or changes anything.
 */
bool std_closed(int fd);
void need_std(int fd);

/* "NAME (ipcutils) VERSION" on stdout, exit 0. */
noreturn void print_version(void);

/* Write the usage text to stdout and exit 0 (for -h, --help). */
noreturn void print_usage(const char *text);

/* The standard message for a failed write to stdout; exits 1. */
noreturn void die_stdout(void);

#endif
