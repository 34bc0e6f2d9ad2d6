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

struct relay_opts {
	const char *label;   /* names the socket in messages */
	bool quit_on_eof;    /* stop at either side's end, without waiting */
	int64_t idle_ns;     /* stop (124) after this long with nothing moving; <0 never */
	const char *idle_text; /* the duration as given, for the message */
};

/*
 * Relay in -> sock and sock -> out until the end of the stream:
 * at in's EOF, shut down sock's sending side and keep receiving until
 * the peer closes; when the peer closes first, stop once what was read
 * from in is sent. Returns 0; an error exits 1 with a message (a
 * failed write to out is the standard output's write error), an idle
 * timeout exits 124. sock must be non-blocking.
 */
int relay(int sock, int in, int out, const struct relay_opts *o);

#endif
