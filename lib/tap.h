/* SPDX-License-Identifier: ISC */
/*
 * One direction of a two-way relay with a transcript: bytes move from one
 * descriptor to another, and each chunk is also written to the transcript
 * after a line naming its direction, its time and its length:
 *
 *   1>2 0.001234 6
 *   hello
 *
 * (the chunk's bytes follow the line exactly, then one newline), and
 * "1>2 0.002000 EOF" when that direction ends ("GONE" if it ended because
 * its reader left). Between two pipes the data
 * is duplicated with tee(2) and moved to the transcript with splice(2):
 * it never passes through user memory. Otherwise (a terminal) read/write.
 */
#ifndef IPCUTILS_TAP_H
#define IPCUTILS_TAP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tap {
	int fd;            /* the transcript; -1 for none */
	const char *name;  /* for its messages */
	int64_t t0;        /* times are counted from here (now_ns) */
	bool failed;       /* a write to it failed: it said so, it stopped */
};

struct tap_way {
	int from, to;      /* non-blocking */
	const char *tag;   /* "1>2": marks its chunks */
	bool to_tty;       /* to is a pty master: end with the EOF character */
	bool from_tty;     /* from is a pty master: kept open until its EIO */
	bool to_gone;      /* to's reader left: what from says is dropped */
	bool tee;          /* both are pipes */
	bool want_out;     /* waiting for room at to, not for data at from */
	bool done;
	bool gone;         /* it ended because to's reader left */
	size_t col;        /* bytes of the line going to a pty so far */
	char *buf;         /* what was read */
	char *out;         /* what goes to to: buf, or buf encoded for a pty */
	size_t off, len;   /* in out, not yet written */
};

/* from and to become non-blocking; exits 125 if that fails. */
void tap_way_init(struct tap_way *w, int from, int to, const char *tag, bool to_tty);

/* What w waits for: two poll entries (fd -1 once it is done). */
void tap_way_poll(const struct tap_way *w, struct pollfd p[2]);

/*
 * Move what p says is ready. When from ends or to's reader is gone,
 * w is done: both are closed (to's reader sees EOF, from's writer EPIPE).
 * A pty is not closed when the other side's reader goes, since that
 * would end the other direction too: what it says is read and dropped,
 * as a pipe's writer would get EPIPE.
 */
void tap_way_step(struct tap *t, struct tap_way *w, const struct pollfd p[2]);

#endif
