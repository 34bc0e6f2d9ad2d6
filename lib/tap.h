/* SPDX-License-Identifier: ISC */
/*
 * The transcript of a two-way relay (duplex --trace): each chunk a pump
 * moves is also written to it after a line naming its direction, its time
 * and its length:
 *
 *   1>2 0.001234 6
 *   hello
 *
 * (the chunk's bytes follow the line exactly, then one newline), and
 * "1>2 0.002000 EOF" when that direction ends ("GONE" if it ended because
 * its reader left). Between two pipes the data
 * is duplicated with tee(2) and moved to the transcript with splice(2):
 * it never passes through user memory. Otherwise (a terminal) read/write
 * (see pump.h).
 */
#ifndef IPCUTILS_TAP_H
#define IPCUTILS_TAP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pump.h"

struct tap {
	int fd;            /* the transcript; -1 for none */
	const char *name;  /* for its messages */
	int64_t t0;        /* times are counted from here (now_ns) */
	bool failed;       /* a write to it failed: it said so, it stopped */
};

/* One way of duplex's relay: a pump with the tap as its option. */
struct tap_way {
	struct pump p;     /* from and to non-blocking */
	bool done;
	bool gone;         /* it ended because to's reader left */
};

/* from and to become non-blocking; exits 125 if that fails. */
void tap_way_init(struct tap_way *w, struct tap *t, int from, int to, const char *tag,
		  bool to_tty);

/* What w waits for: two poll entries (fd -1 once it is done). */
void tap_way_poll(const struct tap_way *w, struct pollfd p[2]);

/*
 * Move what p says is ready. When from ends or to's reader is gone,
 * w is done: both are closed (to's reader sees EOF, from's writer EPIPE).
 * A pty is not closed when the other side's reader goes, since that
 * would end the other direction too: what it says is read and dropped,
 * as a pipe's writer would get EPIPE.
 */
void tap_way_step(struct tap_way *w, const struct pollfd p[2]);

/* For the pump: the n bytes at buf, or the n bytes at the head of pipe from
 * (already passed on with tee, taken out now), as tag's next chunk. */
void tap_chunk(struct tap *t, const char *tag, const char *buf, size_t n);
void tap_chunk_teed(struct tap *t, const char *tag, int from, size_t n);

#endif
