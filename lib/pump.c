/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "alloc.h"
#include "diag.h"
#include "io.h"
#include "pty.h"
#include "pump.h"
#include "tap.h"
#include "tool.h"

#define SPLICE_LEN (1 << 20)

static bool is_pipe(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

/* A larger pipe: fewer wake-ups on both sides of it. */
static bool grow_pipe(int fd)
{
	if (!is_pipe(fd))
		return false;
	if (fcntl(fd, F_GETPIPE_SZ) < SPLICE_LEN)
		fcntl(fd, F_SETPIPE_SZ, SPLICE_LEN);
	return true;
}

/* The buffer, made at its first use (to_tty is set by then). */
static void need_buf(struct pump *p)
{
	if (p->buf)
		return;
	p->buf = p->out = xmalloc(p->cap);
	if (p->to_tty)
		p->out = xmalloc(PTY_ENCODED_MAX(p->cap));
}

void pump_init(struct pump *p, int from, int to, struct tap *tap, const char *tag, size_t cap)
{
	*p = (struct pump){ .from = from, .to = to, .tap = tap, .tag = tag, .cap = cap,
			    .via = { -1, -1 } };
	bool from_pipe = grow_pipe(from), to_pipe = grow_pipe(to);

	if (tap) {
		p->splice = p->tee = from_pipe && to_pipe;
	} else if (from_pipe || to_pipe) {
		p->splice = true;
	} else if (pipe2(p->via, O_CLOEXEC | O_NONBLOCK) == 0) {
		p->splice = true;
		fcntl(p->via[1], F_SETPIPE_SZ, SPLICE_LEN);
	}
}

int pump_wants(const struct pump *p, short *events)
{
	*events = p->want_out ? POLLOUT : POLLIN;
	return p->want_out ? p->to : p->from;
}

static enum pump_result failed(struct pump *p, enum pump_result r)
{
	p->err = errno;
	return r;
}

/* The destination takes no splice: copy what waits in the pipe, then copy. */
static enum pump_result unsplice(struct pump *p)
{
	p->splice = false;
	need_buf(p);
	while (p->len > 0) {
		ssize_t n = read(p->via[0], p->buf, p->len < p->cap ? p->len : p->cap);
		if (n <= 0)
			die(EXIT_FAIL, "%s: cannot read back the splice pipe:", p->tag);
		if (write_all(p->to, p->buf, (size_t)n) < 0)
			return failed(p, PUMP_WRITE_FAILED);
		p->len -= (size_t)n;
	}
	return PUMP_MOVED;
}

/*
 * The two ends of a transfer through our own pipe (p->len counts what
 * waits in it) or through our buffer (read(2), write(2)).
 */
static ssize_t get_spliced(struct pump *p)
{
	return splice(p->from, NULL, p->via[1], NULL, SPLICE_LEN,
		      SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}

static ssize_t put_spliced(struct pump *p)
{
	return splice(p->via[0], NULL, p->to, NULL, p->len,
		      SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}

static ssize_t get_copied(struct pump *p)
{
	return read(p->from, p->buf, p->cap);
}

static ssize_t put_copied(struct pump *p)
{
	return write(p->to, p->out + p->off, p->len);
}

/* n bytes came into buf: into the transcript, then ready for to. */
static void took(struct pump *p, size_t n)
{
	if (p->tap)
		tap_chunk(p->tap, p->tag, p->buf, n);
	p->off = 0;
	p->len = p->drop ? 0 : p->to_tty ? pty_encode(p->to, p->buf, n, p->out, &p->col) : n;
}

/* Take one chunk from from; PUMP_IDLE if none came (end, none yet, copy now). */
static enum pump_result fill(struct pump *p, ssize_t (*get)(struct pump *))
{
	ssize_t n = get(p);

	if (n == 0 || (n < 0 && errno == EIO && p->from_tty)) {
		p->eof = true;
		return PUMP_IDLE;
	}
	if (n < 0) {
		if (errno == EINVAL && get == get_spliced && !p->moved) {
			p->splice = false; /* cannot splice from this: copy */
			return PUMP_IDLE;
		}
		if (errno == EAGAIN || errno == EINTR)
			return PUMP_IDLE;
		return failed(p, PUMP_READ_FAILED);
	}
	if (get == get_spliced)
		p->len = (size_t)n;
	else
		took(p, (size_t)n);
	if (p->count)
		*p->count += (uint64_t)n;
	p->moved = true;
	return PUMP_MOVED;
}

/* Write out the p->len bytes that wait. */
static enum pump_result flush(struct pump *p, ssize_t (*put)(struct pump *), enum pump_result r)
{
	while (p->len > 0) {
		ssize_t w = put(p);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			p->want_out = true;
			return r;
		}
		if (w < 0 && errno == EINVAL && put == put_spliced)
			return unsplice(p);
		if (w < 0)
			return failed(p, PUMP_WRITE_FAILED);
		p->off += (size_t)w;
		p->len -= (size_t)w;
		r = PUMP_MOVED;
	}
	p->want_out = false;
	return r;
}

/* Take a chunk if none waits, then write out what waits. */
static enum pump_result transfer(struct pump *p, ssize_t (*get)(struct pump *),
				 ssize_t (*put)(struct pump *))
{
	enum pump_result r = PUMP_IDLE;

	if (p->len == 0 && !p->eof && (r = fill(p, get)) != PUMP_MOVED)
		return r;
	return flush(p, put, r);
}

/*
 * Splice from one side straight to the other (one of them is a pipe),
 * or, with a tap, tee (both are pipes) and take what was teed into the
 * transcript: one chunk per step, so that the directions' chunks
 * interleave in the transcript as they came.
 */
static enum pump_result step_splice(struct pump *p)
{
	bool src_ready = !p->want_out;
	enum pump_result r = PUMP_IDLE;

	/* Go on while it moves: a poll per chunk costs a core on loopback. */
	for (int i = 0; i < (p->tee ? 1 : 16); i++) {
		ssize_t n = p->tee ? tee(p->from, p->to, SPLICE_LEN, SPLICE_F_NONBLOCK)
			: splice(p->from, NULL, p->to, NULL, SPLICE_LEN,
				 SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			if (p->tee)
				tap_chunk_teed(p->tap, p->tag, p->from, (size_t)n);
			if (p->count)
				*p->count += (uint64_t)n;
			p->moved = true;
			r = PUMP_MOVED;
			p->want_out = false;
			src_ready = false; /* unknown again: ask the source first */
			continue;
		}
		/* A tee whose reader left ends as its writer's end would. */
		if (n == 0 || (p->tee && errno == EPIPE)) {
			p->eof = true;
			return r;
		}
		if (errno == EAGAIN) {
			/* The side we waited on was ready: the other one is not. */
			p->want_out = src_ready;
			return r;
		}
		if (errno == EINTR)
			return r;
		if (errno == EINVAL && !p->moved && !p->tee) {
			p->splice = false; /* this pair cannot splice */
			return PUMP_IDLE;
		}
		return failed(p, PUMP_WRITE_FAILED);
	}
	return r;
}

enum pump_result pump_step(struct pump *p)
{
	if (p->splice && p->via[0] >= 0) {
		/* Go on while it moves: a poll per chunk costs a core on loopback. */
		enum pump_result r = PUMP_IDLE, s;
		for (int i = 0; i < 16 && p->splice; i++) {
			s = transfer(p, get_spliced, put_spliced);
			if (s != PUMP_MOVED)
				return s == PUMP_IDLE ? r : s;
			r = s;
		}
		return r;
	}
	if (p->splice)
		return step_splice(p);
	need_buf(p);
	return transfer(p, get_copied, put_copied);
}

void pump_free(struct pump *p)
{
	if (p->out != p->buf)
		free(p->out);
	free(p->buf);
	p->buf = p->out = NULL;
	for (int i = 0; i < 2; i++)
		if (p->via[i] >= 0)
			close(p->via[i]);
	p->via[0] = p->via[1] = -1;
}
