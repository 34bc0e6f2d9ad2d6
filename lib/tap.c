/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "parse.h"
#include "pty.h"
#include "tap.h"

#define TAP_BUF (64 * 1024)

void tap_way_init(struct tap_way *w, struct tap *t, int from, int to, const char *tag,
		  bool to_tty)
{
	*w = (struct tap_way){ .done = false };
	if (fd_nonblock(from) < 0 || fd_nonblock(to) < 0)
		die(EXIT_CANNOT, "%s: cannot make its pipes non-blocking:", tag);
	pump_init(&w->p, from, to, t, tag, TAP_BUF);
	w->p.to_tty = to_tty;
	w->p.from_tty = isatty(from);
}

void tap_way_poll(const struct tap_way *w, struct pollfd p[2])
{
	/* to is always watched: POLLERR says its reader has gone. */
	p[0] = (struct pollfd){ .fd = w->done ? -1 : w->p.from,
				.events = w->p.want_out ? 0 : POLLIN };
	p[1] = (struct pollfd){ .fd = w->done || w->p.drop ? -1 : w->p.to,
				.events = w->p.want_out ? POLLOUT : 0 };
}

static void tap_fail(struct tap *t)
{
	warn("%s: write error:", t->name);
	t->failed = true;
}

/* The line before a chunk of len bytes, or the end line end (len < 0). */
static void tap_header(struct tap *t, const char *tag, ssize_t len, const char *end)
{
	char line[96];
	int64_t ns = now_ns() - t->t0;
	int n = len < 0
		? snprintf(line, sizeof line, "%s %lld.%06lld %s\n", tag,
			   (long long)(ns / NS_PER_SEC), (long long)(ns % NS_PER_SEC / 1000), end)
		: snprintf(line, sizeof line, "%s %lld.%06lld %zd\n", tag,
			   (long long)(ns / NS_PER_SEC), (long long)(ns % NS_PER_SEC / 1000), len);

	if (t->fd >= 0 && !t->failed && write_all(t->fd, line, (size_t)n) < 0)
		tap_fail(t);
}

void tap_chunk(struct tap *t, const char *tag, const char *buf, size_t n)
{
	tap_header(t, tag, (ssize_t)n, NULL);
	if (t->fd >= 0 && !t->failed && (write_all(t->fd, buf, n) < 0
					 || write_all(t->fd, "\n", 1) < 0))
		tap_fail(t);
}

void tap_chunk_teed(struct tap *t, const char *tag, int from, size_t n)
{
	char sink[4096];

	tap_header(t, tag, (ssize_t)n, NULL);
	while (n > 0) {
		ssize_t got = -1;
		if (t->fd >= 0 && !t->failed) {
			got = splice(from, NULL, t->fd, NULL, n, SPLICE_F_MOVE);
			if (got < 0 && errno == EAGAIN) {
				wait_fd(t->fd, POLLOUT, -1);
				continue;
			}
			if (got < 0 && errno != EINVAL)
				tap_fail(t);
		}
		if (got <= 0) { /* no splice to it: copy, or drop once it failed */
			got = read(from, sink, n < sizeof sink ? n : sizeof sink);
			if (got <= 0)
				die(EXIT_CANNOT, "%s: cannot take the data for the transcript:", tag);
			if (t->fd >= 0 && !t->failed && write_all(t->fd, sink, (size_t)got) < 0)
				tap_fail(t);
		}
		n -= (size_t)got;
	}
	if (t->fd >= 0 && !t->failed && write_all(t->fd, "\n", 1) < 0)
		tap_fail(t);
}

static void tap_end(struct tap *t, struct tap_way *w)
{
	if (w->p.to_tty && !w->p.drop)
		pty_send_eof(w->p.to, w->p.col == 0);
	close(w->p.from);
	if (!w->p.drop)
		close(w->p.to);
	w->done = true;
	pump_free(&w->p);
	tap_header(t, w->p.tag, -1, w->gone ? "GONE" : "EOF");
}

/* to's reader has gone: the end, but for a pty, which is drained. */
static void to_gone(struct tap *t, struct tap_way *w)
{
	w->gone = true;
	if (!w->p.from_tty) {
		tap_end(t, w);
		return;
	}
	close(w->p.to);
	w->p.to = -1;
	w->p.drop = true;
	w->p.want_out = false;
	w->p.len = 0;
}

void tap_way_step(struct tap_way *w, const struct pollfd p[2])
{
	struct tap *t = w->p.tap;

	if (w->done)
		return;
	/* Data at from goes first, unless what is held can never go: a pty
	 * master with no reader left says POLLHUP, and its write EAGAIN. */
	if (!w->p.drop && (p[1].revents & (POLLERR | POLLHUP))
	    && (w->p.want_out || !(p[0].revents & (POLLIN | POLLHUP)))) {
		to_gone(t, w);
		return;
	}
	if (!(p[0].revents || p[1].revents))
		return;
	enum pump_result r = pump_step(&w->p);
	errno = w->p.err;
	if (r == PUMP_READ_FAILED)
		die(EXIT_CANNOT, "%s: cannot read from the writer:", w->p.tag);
	if (r == PUMP_WRITE_FAILED && errno != EPIPE && errno != EIO)
		die(EXIT_CANNOT, "%s: cannot write to the reader:", w->p.tag);
	if (r == PUMP_WRITE_FAILED)
		to_gone(t, w);
	else if (w->p.eof)
		tap_end(t, w);
}
