/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
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

/* 19 digits always fit in 64 bits; a longer length is refused unread. */
#define NS_DIGITS 19

/*
 * The head LEN: of the netstring at p[0..n): 1 with its length in *len and
 * the head's in *hlen; 0 if more bytes are needed; -1 if malformed, *why
 * saying how and *hlen where.
 */
static int ns_head(const char *p, size_t n, uint64_t *len, size_t *hlen, const char **why)
{
	uint64_t v = 0;
	size_t i;

	*why = NULL;
	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (i == 1 && p[0] == '0')
			*why = "a length with a leading zero";
		else if (i == NS_DIGITS)
			*why = "a length of more than 19 digits";
		if (*why)
			break;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (!*why && i == n)
		return 0;
	if (!*why && i == 0)
		*why = "no length where a netstring starts";
	else if (!*why && p[i] != ':')
		*why = "no ':' after the length";
	*hlen = i;
	if (*why)
		return -1;
	*len = v;
	*hlen = i + 1;
	return 1;
}

int ns_span(const char *p, size_t n, size_t max, size_t *whole, const char **why)
{
	size_t off = 0, h;
	uint64_t len;
	int k;

	while ((k = ns_head(p + off, n - off, &len, &h, why)) > 0) {
		if (len > max) {
			*why = "a netstring longer than allowed";
			k = -1;
			break;
		}
		if (n - off - h <= len)
			break;
		if (p[off + h + len] != ',') {
			*why = "no ',' after the record";
			k = -1;
			break;
		}
		off += h + len + 1;
	}
	*whole = off;
	return k < 0 ? -1 : 0;
}

bool rec_ready(const struct rec_reader *r)
{
	if (r->done)
		return false;
	if (r->eof)
		return true;
	if (r->delim == REC_NETSTRING) {
		size_t avail = r->end - r->start, h;
		uint64_t n;
		const char *why;
		int k = ns_head(r->buf + r->start, avail, &n, &h, &why);

		return k < 0 || (k > 0 && (n > r->max || avail - h > n));
	}
	return r->delim != REC_WHOLE && r->end > r->start
		&& memchr(r->buf + r->start, r->delim, r->end - r->start);
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

/* Netstring record r->count + 1 is malformed or cut at stream offset at. */
static int ns_bad(struct rec_reader *r, uint64_t at)
{
	r->done = true;
	r->count++;
	r->bad_at = at;
	return REC_BADFRAME;
}

/* rec_read for netstrings: a record is returned only whole, ',' checked. */
static int ns_read(struct rec_reader *r, char **rec, size_t *len)
{
	*len = 0;
	for (;;) {
		char *base = r->buf + r->start;
		size_t avail = r->end - r->start, h = 0;
		uint64_t n = 0;
		int k;

		if (r->done)
			return 0;
		if ((k = ns_head(base, avail, &n, &h, &r->why)) < 0)
			return ns_bad(r, r->off + h);
		if (k > 0 && n > r->max) {
			r->done = true;
			r->count++;
			*len = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
			return REC_TOOBIG;
		}
		if (k > 0 && avail - h > n) {
			if (base[h + n] != ',') {
				r->why = "no ',' after the record";
				return ns_bad(r, r->off + h + n);
			}
			r->start += h + n + 1;
			r->off += h + n + 1;
			r->count++;
			*rec = base + h;
			*len = (size_t)n;
			return 1;
		}
		if (r->eof) {
			r->why = "the input ends inside it";
			if (avail > 0)
				return ns_bad(r, r->off + avail);
			r->done = true;
			return 0;
		}
		if (fill(r) < 0)
			return -1;
	}
}

int rec_read(struct rec_reader *r, char **rec, size_t *len)
{
	*rec = NULL;
	/* A buffer from the first call on: NULL + 0 is undefined in C. */
	if (!r->buf) {
		r->cap = REC_BLOCK;
		r->buf = xreallocarray(NULL, r->cap, 1);
	}
	if (r->delim == REC_NETSTRING)
		return ns_read(r, rec, len);
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

size_t rec_head_len(const struct rec_writer *w, size_t n)
{
	return w->term == REC_NETSTRING ? (size_t)snprintf(NULL, 0, "%zu:", n) : 0;
}

int rec_write(struct rec_writer *w, const void *p, size_t n)
{
	char t = w->term == REC_NETSTRING ? ',' : (char)w->term;

	if (w->term == REC_NETSTRING) {
		char head[24];
		int hl = snprintf(head, sizeof head, "%zu:", n);

		if (rec_append(w, head, (size_t)hl) < 0)
			return -1;
	}
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
