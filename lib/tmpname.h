/* SPDX-License-Identifier: ISC */
/*
 * Temporary names: the trailing X's of a template replaced with random
 * letters and digits, tried until an exclusive creation succeeds. Never
 * check-then-create: the caller's make() must fail with EEXIST on a name
 * that is taken (O_EXCL, mkfifo, link, bind).
 */
#ifndef IPCUTILS_TMPNAME_H
#define IPCUTILS_TMPNAME_H

#include <stddef.h>

/*
 * "DIR/.BASE.TAG-XXXXXXXX" for path "DIR/BASE" into buf: hidden, in the
 * same directory (rename(2) and link(2) need the same file system), and
 * naming what made it (the shape shmput's and shmcat's names always had).
 * A BASE too long for one component is cut short: the name only has to be
 * beside it. Returns the number of X's, or 0 (ENAMETOOLONG) when the
 * directory and tag leave no room.
 */
size_t tmpname_beside(char *buf, size_t size, const char *path, const char *tag);

/* How many taken names tmpname_make tries before it gives up. */
#define TMPNAME_TRIES 100

/*
 * Fill the nx X's of path and call make(path, arg) until it returns
 * >= 0 (returned) or fails with another error than EEXIST (-1, errno
 * kept). After TMPNAME_TRIES taken names, -1 with errno EEXIST.
 */
int tmpname_make(char *path, size_t nx, int (*make)(const char *path, void *arg),
		 void *arg);

#endif
