/* SPDX-License-Identifier: ISC */
/*
 * Relaying a stream socket and a pair of file descriptors, both directions
 * at once, with a predictable end of stream. Where the other side is a
 * pipe, data moves with splice(2); otherwise with read/write and large
 * buffers.
 */
#ifndef IPCUTILS_RELAY_H
#define IPCUTILS_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "deadline.h"

/* Bytes moved so far, kept current (read them at exit, after an error). */
struct relay_stats {
	uint64_t sent, received;
};

struct relay_opts {
	const char *label;   /* names the socket in messages */
	bool quit_on_eof;    /* stop at in's end, without waiting for the peer */
	struct timeout idle; /* stop (124) after this long with nothing moving */
	bool close_out;      /* out is a command's stdin: close it, unchecked */
	struct relay_stats *stats; /* where to count, or NULL */
};

/*
 * Relay in -> sock and sock -> out until the end of the stream: at in's
 * EOF, shut down sock's sending side; stop once that is done and the
 * peer has closed (with quit_on_eof: once the peer has all that was sent,
 * TCP acknowledgements included, and what came is written out). The
 * peer's close ends only sock -> out, and out is released then (closed
 * with close_out, else made /dev/null, once its pipe's reader has read
 * what waits in it: a reader that left with bytes unread is an error):
 * in is relayed until its own end. Returns 0; an error exits 1 with a
 * message (a failed send after the reply that waits is written out; a
 * failed write to out is the standard output's write error), an idle
 * timeout exits 124. sock must be non-blocking.
 */
int relay(int sock, int in, int out, const struct relay_opts *o);

/*
 * -i, one rule for every loop that waits on a peer: what poll(2) may wait
 * when something last moved at last (now_ns): -1 without -i, 0 once it
 * has passed; relay_idle_check exits 124 "LABEL: nothing moved for
 * DURATION" once it has.
 */
int relay_idle_ms(const struct relay_opts *o, int64_t last);
void relay_idle_check(const struct relay_opts *o, int64_t last);

#endif
