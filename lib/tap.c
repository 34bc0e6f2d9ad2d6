/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "parse.h"
#include "pty.h"
#include "tap.h"

#define TAP_BUF (64 * 1024)
#define TAP_TEE (1 << 20)

static bool is_pipe(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

void tap_way_init(struct tap_way *w, int from, int to, const char *tag, bool to_tty)
{
	*w = (struct tap_way){ .from = from, .to = to, .tag = tag, .to_tty = to_tty };
	w->tee = is_pipe(from) && is_pipe(to);
	/* Larger pipes: fewer wake-ups of duplex and of both commands. */
	if (is_pipe(from) && fcntl(from, F_GETPIPE_SZ) < TAP_TEE)
		fcntl(from, F_SETPIPE_SZ, TAP_TEE);
	if (is_pipe(to) && fcntl(to, F_GETPIPE_SZ) < TAP_TEE)
		fcntl(to, F_SETPIPE_SZ, TAP_TEE);
	w->from_tty = isatty(from);
	if (fd_nonblock(from) < 0 || fd_nonblock(to) < 0)
		die(EXIT_CANNOT, "%s: cannot make its pipes non-blocking:", tag);
	if (!w->tee && !(w->buf = malloc(TAP_BUF)))
		die(EXIT_CANNOT, "out of memory");
	w->out = w->buf;
	if (to_tty && !(w->out = malloc(PTY_ENCODED_MAX(TAP_BUF))))
		die(EXIT_CANNOT, "out of memory");
}

void tap_way_poll(const struct tap_way *w, struct pollfd p[2])
{
	/* to is always watched: POLLERR says its reader has gone. */
	p[0] = (struct pollfd){ .fd = w->done ? -1 : w->from,
				.events = w->want_out ? 0 : POLLIN };
	p[1] = (struct pollfd){ .fd = w->done || w->to_gone ? -1 : w->to,
				.events = w->want_out ? POLLOUT : 0 };
}

static void tap_fail(struct tap *t)
{
	warn("%s: write error:", t->name);
	t->failed = true;
}

/* The line before a chunk, or the end line (len < 0): EOF, or GONE. */
static void tap_header(struct tap *t, const struct tap_way *w, ssize_t len)
{
	char line[96];
	int64_t ns = now_ns() - t->t0;
	int n = len < 0
		? snprintf(line, sizeof line, "%s %lld.%06lld %s\n", w->tag,
			   (long long)(ns / NS_PER_SEC), (long long)(ns % NS_PER_SEC / 1000),
			   w->gone ? "GONE" : "EOF")
		: snprintf(line, sizeof line, "%s %lld.%06lld %zd\n", w->tag,
			   (long long)(ns / NS_PER_SEC), (long long)(ns % NS_PER_SEC / 1000), len);

	if (t->fd >= 0 && !t->failed && write_all(t->fd, line, (size_t)n) < 0)
		tap_fail(t);
}

/* Take n bytes (already passed on with tee) out of from, into the transcript. */
static void tap_take(struct tap *t, struct tap_way *w, size_t n)
{
	char sink[4096];

	while (n > 0) {
		ssize_t got = -1;
		if (t->fd >= 0 && !t->failed) {
			got = splice(w->from, NULL, t->fd, NULL, n, SPLICE_F_MOVE);
			if (got < 0 && errno == EAGAIN) {
				wait_fd(t->fd, POLLOUT, -1);
				continue;
			}
			if (got < 0 && errno != EINVAL)
				tap_fail(t);
		}
		if (got <= 0) { /* no splice to it: copy, or drop once it failed */
			got = read(w->from, sink, n < sizeof sink ? n : sizeof sink);
			if (got <= 0)
				die(EXIT_CANNOT, "%s: cannot take the data for the transcript:", w->tag);
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
	if (w->to_tty && !w->to_gone)
		pty_send_eof(w->to, w->col == 0);
	close(w->from);
	if (!w->to_gone)
		close(w->to);
	w->done = true;
	if (w->out != w->buf)
		free(w->out);
	free(w->buf);
	w->buf = w->out = NULL;
	tap_header(t, w, -1);
}

/* to's reader has gone: the end, but for a pty, which is drained. */
static void to_gone(struct tap *t, struct tap_way *w)
{
	w->gone = true;
	if (!w->from_tty) {
		tap_end(t, w);
		return;
	}
	close(w->to);
	w->to = -1;
	w->to_gone = true;
	w->want_out = false;
	w->len = 0;
}

/* Between pipes: tee, then splice what was teed into the transcript. */
static void step_tee(struct tap *t, struct tap_way *w)
{
	ssize_t n = tee(w->from, w->to, TAP_TEE, SPLICE_F_NONBLOCK);

	if (n > 0) {
		w->want_out = false;
		tap_header(t, w, n);
		tap_take(t, w, (size_t)n);
	} else if (n == 0 || errno == EPIPE) {
		tap_end(t, w);
	} else if (errno == EAGAIN) {
		/* Woken for data, no room at to; or woken for room, no data. */
		w->want_out = !w->want_out;
	} else if (errno != EINTR) {
		die(EXIT_CANNOT, "%s: cannot copy the data for the transcript:", w->tag);
	}
}

/* From or to a terminal: read, note, write. A pty's EIO is its end. */
static void step_copy(struct tap *t, struct tap_way *w)
{
	if (w->len == 0) {
		ssize_t n = read(w->from, w->buf, TAP_BUF);
		if (n == 0 || (n < 0 && errno == EIO)) {
			tap_end(t, w);
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				die(EXIT_CANNOT, "%s: cannot read from the writer:", w->tag);
			return;
		}
		tap_header(t, w, n);
		if (t->fd >= 0 && !t->failed && (write_all(t->fd, w->buf, (size_t)n) < 0
						 || write_all(t->fd, "\n", 1) < 0))
			tap_fail(t);
		w->off = 0;
		w->len = w->to_tty ? pty_encode(w->to, w->buf, (size_t)n, w->out, &w->col)
				   : (size_t)n;
	}
	if (w->to_gone) {
		w->len = 0;
		return;
	}
	ssize_t n = write(w->to, w->out + w->off, w->len);
	if (n < 0 && (errno == EPIPE || errno == EIO)) {
		to_gone(t, w);
		return;
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		die(EXIT_CANNOT, "%s: cannot write to the reader:", w->tag);
	if (n > 0) {
		w->off += (size_t)n;
		w->len -= (size_t)n;
	}
	w->want_out = w->len > 0;
}

void tap_way_step(struct tap *t, struct tap_way *w, const struct pollfd p[2])
{
	if (w->done)
		return;
	/* Data at from goes first, unless what is held can never go: a pty
	 * master with no reader left says POLLHUP, and its write EAGAIN. */
	if (!w->to_gone && (p[1].revents & (POLLERR | POLLHUP))
	    && (w->want_out || !(p[0].revents & (POLLIN | POLLHUP)))) {
		to_gone(t, w);
		return;
	}
	if (!(p[0].revents || p[1].revents))
		return;
	if (w->tee)
		step_tee(t, w);
	else
		step_copy(t, w);
}
