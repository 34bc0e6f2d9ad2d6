/* SPDX-License-Identifier: ISC */
/*
 * One direction of a stream: bytes move from one descriptor to another
 * as they come, never blocking on either (the caller polls, see
 * pump_wants). Where one side is a pipe, with splice(2); between two
 * sockets, through a pipe of the pump's own; where splice is refused,
 * with read/write and a buffer. A tap (an option, see tap.h) writes a
 * transcript of every chunk: between two pipes the data is duplicated
 * with tee(2) and never passes through user memory, otherwise copied.
 * The caller decides what an end or a failure means for its stream:
 * relay.c (a socket and stdin/stdout) and tap.c (duplex's two ways).
 */
#ifndef IPCUTILS_PUMP_H
#define IPCUTILS_PUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tap;

struct pump {
	int from, to;
	struct tap *tap;   /* the transcript, or NULL */
	const char *tag;   /* names it in messages; with a tap, marks its chunks */
	bool from_tty;     /* from is a pty master: its EIO is its end */
	bool to_tty;       /* to is a pty master: chunks encoded for its line discipline */
	bool drop;         /* to is gone: what from says is read and dropped */
	bool splice;       /* splice (tee with a tap) rather than copy */
	bool tee;          /* with a tap, between two pipes */
	int via[2];        /* a pipe of our own when neither side is one */
	bool want_out;     /* waiting for room at to, not for data at from */
	bool eof;          /* from has ended */
	bool moved;        /* a byte has moved: splice is known to work */
	uint64_t *count;   /* bytes taken from from are added here, or NULL */
	size_t cap, col;   /* the buffer's size; bytes of the line going to a pty */
	char *buf;         /* what was read */
	char *out;         /* what goes to to: buf, or buf encoded for a pty */
	size_t off, len;   /* in out (or in via), not yet written */
	int err;           /* the errno of a failure */
};

/* What pump_step did. */
enum pump_result {
	PUMP_IDLE,        /* nothing moved (check eof) */
	PUMP_MOVED,
	PUMP_READ_FAILED, /* err says why */
	PUMP_WRITE_FAILED
};

/*
 * A pump from from to to, descriptors the caller keeps; pipes among them
 * are enlarged (fewer wake-ups on both sides). The buffer, when one is
 * needed, holds cap bytes.
 */
void pump_init(struct pump *p, int from, int to, struct tap *tap, const char *tag, size_t cap);

/* The descriptor and poll(2) event it waits for now. */
int pump_wants(const struct pump *p, short *events);

/* Move what can be moved now (several chunks while it keeps moving). */
enum pump_result pump_step(struct pump *p);

/* Free what pump_init made (the descriptors from and to stay open). */
void pump_free(struct pump *p);

#endif
