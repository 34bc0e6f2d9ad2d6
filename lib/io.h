/* SPDX-License-Identifier: ISC */
/* Full transfers: loop over short reads and writes, EINTR and EAGAIN. */
#ifndef IPCUTILS_IO_H
#define IPCUTILS_IO_H

#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/types.h>

/* Bytes a socket holds that its peer has not taken. glibc's <sys/ioctl.h>
 * defines it (through linux/sockios.h); musl's has only its twin. */
#ifndef SIOCOUTQ
#define SIOCOUTQ TIOCOUTQ
#endif

/*
 * Read until n bytes or end of file. Returns the count (less than n only
 * at EOF), or -1 with errno set. A non-blocking fd is waited on with poll.
 */
ssize_t read_full(int fd, void *buf, size_t n);

/* Write all n bytes; 0 on success, -1 with errno set. */
int write_all(int fd, const void *buf, size_t n);

/* Write all n bytes at offset off (pwrite(2)); returns the bytes written,
 * less than n only on an error, with errno set. */
size_t pwrite_all(int fd, const void *buf, size_t n, off_t off);

/* Add O_NONBLOCK to fd's file status flags, keeping the others; 0 or -1. */
int fd_nonblock(int fd);

/*
 * Wait until fd is ready for events (POLLIN, POLLOUT), at most timeout_ms
 * (-1: forever). Returns 1 ready, 0 timed out, -1 error. EINTR is
 * returned to the caller, who may have a signal to act on.
 */
int wait_fd(int fd, short events, int timeout_ms);

/*
 * After the last write to fd: when fd is a pipe or a socket, wait until
 * its reader has read all of it or has gone (lib/outq.h). Returns the
 * bytes left unread: 0 when all was delivered (or fd is a file, where a
 * write that succeeded is delivered).
 */
long wait_read(int fd);

#endif
