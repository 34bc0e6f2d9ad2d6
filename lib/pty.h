/* SPDX-License-Identifier: ISC */
/*
 * A pseudo-terminal to carry text to and from a command, so that its
 * stdio sees a terminal and flushes each line (a program that buffers its
 * answers when writing to a pipe deadlocks a dialogue). The line
 * discipline is set to pass bytes through as they are: no echo, no
 * signals from control characters, no CR/NL rewriting. Input stays
 * canonical, since only there can the reader be given an end of file;
 * pty_encode makes any bytes, of any line length, pass through it.
 * Only POSIX calls (posix_openpt, grantpt, unlockpt, ptsname, termios).
 */
#ifndef IPCUTILS_PTY_H
#define IPCUTILS_PTY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Open a pair: *master non-blocking, both close-on-exec. Returns 0, or -1
 * with errno set.
 */
int pty_open(int *master, int *slave);

/*
 * Linux's canonical line holds 4095 bytes and drops what comes after:
 * longer lines are handed over in parts of this many.
 */
#define PTY_LINE_PART 4000

/* The most pty_encode writes for n bytes. */
#define PTY_ENCODED_MAX(n) (2 * (n) + (n) / PTY_LINE_PART + 1)

/*
 * What to write to master for its reader to read in[0..n) as it is: in
 * canonical mode each byte the line discipline could act on (EOF, CR,
 * any special character set) after the literal-next character, and the
 * EOF character after each PTY_LINE_PART bytes of a line, which hands
 * that part over and adds nothing. *col counts the bytes of the current
 * line so far (0 at a line's start), across calls. Returns out's length.
 */
size_t pty_encode(int master, const char *in, size_t n, char *out, size_t *col);

/*
 * End of input for the reader of the slave: the EOF character, twice if
 * a partial line must be handed over first.
 */
void pty_send_eof(int master, bool line_start);

#endif
