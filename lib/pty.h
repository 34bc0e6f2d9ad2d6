/* SPDX-License-Identifier: ISC */
/*
 * A pseudo-terminal to carry text to and from a command, so that its
 * stdio sees a terminal and flushes each line (a program that buffers its
 * answers when writing to a pipe deadlocks a dialogue). The line
 * discipline is set to pass text through as it is: no echo, no signals
 * from control characters, no CR/NL rewriting, lines handed over whole.
 * Only POSIX calls (posix_openpt, grantpt, unlockpt, ptsname).
 */
#ifndef IPCUTILS_PTY_H
#define IPCUTILS_PTY_H

#include <stdbool.h>

/*
 * Open a pair: *master non-blocking, both close-on-exec. Returns 0, or -1
 * with errno set.
 */
int pty_open(int *master, int *slave);

/*
 * End of input for the reader of the slave: the EOF character, twice if
 * a partial line must be handed over first.
 */
void pty_send_eof(int master, bool line_start);

#endif
