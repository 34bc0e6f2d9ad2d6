/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "io.h"
#include "record.h"

#define REC_BLOCK (128 * 1024)

void rec_reader_init(struct rec_reader *r, int fd, int delim, size_t max)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->delim = delim;
	r->max = max;
}

void rec_reader_free(struct rec_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

bool rec_ready(const struct rec_reader *r)
{
	return !r->done && (r->eof || (r->delim != REC_WHOLE && r->end > r->start
		&& memchr(r->buf + r->start, r->delim, r->end - r->start)));
}

/* One read(2) into the free end of the buffer, growing it when full. */
static int fill(struct rec_reader *r)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		r->cap = r->cap ? r->cap * 2 : REC_BLOCK;
		r->buf = xreallocarray(r->buf, r->cap, 1);
	}
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);

		if (n > 0) {
			r->end += (size_t)n;
			return 0;
		}
		if (n == 0) {
			r->eof = true;
			return 0;
		}
		if (errno == EAGAIN) {
			if (wait_fd(r->fd, POLLIN, -1) < 0 && errno != EINTR)
				return -1;
		} else if (errno != EINTR) {
			return -1;
		}
	}
}

/*
 * Skip the rest of a record too long to hold, counting its bytes, but no
 * further than REC_SKIP_MAX past the limit: endless input (/dev/zero) is
 * refused, not read without end to report a size; r->cut says so.
 */
#define REC_SKIP_MAX (1024 * 1024)

static int skip(struct rec_reader *r, size_t *len)
{
	size_t total = 0;

	for (;;) {
		char *d = r->delim == REC_WHOLE ? NULL
			: memchr(r->buf + r->start, r->delim, r->end - r->start);

		if (d) {
			total += (size_t)(d - (r->buf + r->start));
			r->start = (size_t)(d - r->buf) + 1;
			break;
		}
		total += r->end - r->start;
		r->start = r->end = 0;
		if (r->eof)
			break;
		if (total - r->max > REC_SKIP_MAX) {
			r->cut = r->done = true;
			break;
		}
		if (fill(r) < 0)
			return -1;
	}
	if (r->delim == REC_WHOLE || (r->eof && r->start == r->end))
		r->done = true;
	r->count++;
	*len = total;
	return REC_TOOBIG;
}

int rec_read(struct rec_reader *r, char **rec, size_t *len)
{
	*rec = NULL;
	/* A buffer from the first call on: NULL + 0 is undefined in C. */
	if (!r->buf) {
		r->cap = REC_BLOCK;
		r->buf = xreallocarray(NULL, r->cap, 1);
	}
	for (;;) {
		char *base = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *d = NULL;

		if (r->done)
			return 0;
		if (r->delim != REC_WHOLE && avail > 0)
			d = memchr(base, r->delim, avail);
		if (d) {
			*len = (size_t)(d - base);
			if (*len > r->max)
				return skip(r, len);
			r->start += *len + 1;
			r->count++;
			*rec = base;
			return 1;
		}
		if (avail > r->max)
			return skip(r, len);
		if (r->eof) {
			/* The unterminated last line, or the whole input. */
			r->done = true;
			if (avail == 0 && r->delim != REC_WHOLE)
				return 0;
			r->start = r->end;
			r->count++;
			*rec = base;
			*len = avail;
			return 1;
		}
		if (fill(r) < 0)
			return -1;
	}
}

void rec_writer_init(struct rec_writer *w, int fd, int term)
{
	memset(w, 0, sizeof *w);
	w->fd = fd;
	w->term = term;
	w->cap = REC_BLOCK;
	w->buf = xreallocarray(NULL, w->cap, 1);
}

void rec_writer_free(struct rec_writer *w)
{
	free(w->buf);
	w->buf = NULL;
}

int rec_flush(struct rec_writer *w)
{
	size_t n = w->len;

	w->len = 0;
	return write_all(w->fd, w->buf, n);
}

int rec_append(struct rec_writer *w, const void *p, size_t n)
{
	if (n > w->cap - w->len && rec_flush(w) < 0)
		return -1;
	if (n >= w->cap)
		return write_all(w->fd, p, n);
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

int rec_write(struct rec_writer *w, const void *p, size_t n)
{
	char t = (char)w->term;

	if (rec_append(w, p, n) < 0)
		return -1;
	return w->term == REC_RAW ? 0 : rec_append(w, &t, 1);
}

void rec_writer_reserve(struct rec_writer *w, size_t cap)
{
	if (cap > w->cap) {
		w->buf = xreallocarray(w->buf, cap, 1);
		w->cap = cap;
	}
}

int rec_flush_some(struct rec_writer *w, size_t *done)
{
	size_t n = w->len, off = 0;

	w->len = 0;
	while (off < n) {
		ssize_t k = write(w->fd, w->buf + off, n - off);

		if (k > 0) {
			off += (size_t)k;
		} else if (k < 0 && errno == EAGAIN) {
			if (wait_fd(w->fd, POLLOUT, -1) < 0 && errno != EINTR)
				break;
		} else if (k == 0 || errno != EINTR) {
			break;
		}
	}
	*done = off;
	return off == n ? 0 : -1;
}
