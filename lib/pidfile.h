/* SPDX-License-Identifier: ISC */
/* Pidfiles: one positive decimal PID and an optional newline. */
#ifndef IPCUTILS_PIDFILE_H
#define IPCUTILS_PIDFILE_H

#include <sys/types.h>

/*
 * Read the PID in path. Returns it, or -1 after printing a message that
 * names the file (missing, unreadable, not a regular file, or not one
 * positive number). A FIFO is refused without waiting for a writer.
 */
pid_t pidfile_read(const char *path);

/*
 * Write pid to path atomically: a temporary file in the same directory,
 * renamed over path, so a reader sees no file or the whole PID, never a
 * part. Mode 0600. Returns 0, or -1 with errno set.
 */
int pidfile_write(const char *path, pid_t pid);

#endif
