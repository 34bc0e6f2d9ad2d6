/* SPDX-License-Identifier: ISC */
/* Diagnostics: every message is one line, "NAME: OBJECT: what went wrong". */
#ifndef IPCUTILS_DIAG_H
#define IPCUTILS_DIAG_H

#include <stdint.h>
#include <stdnoreturn.h>

/* Exit statuses shared by every tool (CONVENTIONS.md). */
enum {
	EXIT_FAIL = 1,      /* the operation failed */
	EXIT_USAGE = 2,     /* bad option or argument; nothing was done */
	EXIT_TIMEOUT = 124, /* nothing happened in the time allowed */
	EXIT_CANNOT = 125,  /* failed before it could run the command */
	EXIT_NOEXEC = 126,  /* command found but could not run */
	EXIT_NOENT = 127,   /* command not found */
};

extern const char *progname;
/*
 * The status die() exits with for EXIT_FAIL (xmalloc's "out of memory"
 * included): a tool about to run a command sets it to EXIT_CANNOT, so its
 * own failures (a missing object, permission, memory) are told apart from
 * the command's, as timeout(1) does, and back to EXIT_FAIL once the
 * command has run.
 */
extern int die_fail_status;

/*
 * Print "progname: " and the formatted message. A format ending in ':'
 * appends " " and strerror(errno), as sbase's eprintf does.
 */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One line saying what is wrong, then "Try 'NAME --help'.", exit 2. */
noreturn void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "1 byte", "5 bytes": a count for a message (four calls' worth of buffers). */
const char *fmt_bytes(uint64_t n);

#endif
