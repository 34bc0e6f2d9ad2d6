/* SPDX-License-Identifier: ISC */
/*
 * Pidfiles: one positive decimal PID, then optionally a newline and
 * "start=" the process's start time (clock ticks after boot, field 22 of
 * /proc/PID/stat), then an optional newline. The first line alone is what
 * `read pid < FILE` and other tools take; the start time tells the process
 * that wrote the file from a later one that got its PID. It is not a bare
 * number, so `kill $(cat FILE)` fails instead of taking it for a PID.
 */
#ifndef IPCUTILS_PIDFILE_H
#define IPCUTILS_PIDFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* No start time in the file (one written by `echo $! > FILE`). */
#define PIDFILE_NO_START UINT64_MAX

/*
 * Read the PID in path, and into *start its start time or
 * PIDFILE_NO_START. Returns the PID, or -1 after printing a message that
 * names the file (missing, unreadable, not a regular file, or not in the
 * format above). A FIFO is refused without waiting for a writer.
 */
pid_t pidfile_read(const char *path, uint64_t *start);

/*
 * Is pid still the process that wrote the pidfile, whose start time was
 * start (PIDFILE_NO_START: nothing to check)? False after a message
 * naming label: gone, its start time unreadable, or another process that
 * got the PID since. Check once the process is pinned, so the one looked
 * at is the one acted on.
 */
bool pidfile_same_start(pid_t pid, uint64_t start, const char *label);

/* A pidfile as written: removed only while it still holds this text. */
struct pidfile {
	const char *path;
	char text[48];
	size_t len;
};

/*
 * Write pid and its start time (if /proc shows it) to path atomically: a
 * temporary file in the same directory, renamed over path, so a reader
 * sees no file or the whole of it, never a part. Mode 0600. Returns 0,
 * or -1 with errno set.
 */
int pidfile_write(struct pidfile *pf, const char *path, pid_t pid);

/*
 * A cleanup action (arg a struct pidfile *): unlink the file if it still
 * holds what was written, so of two writers of one path the first to end
 * leaves the second's file alone. Async-signal-safe.
 */
void pidfile_remove(void *pf);

#endif
