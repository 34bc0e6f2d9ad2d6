/* SPDX-License-Identifier: ISC */
/*
 * Record framing shared by the tools that move discrete messages (message
 * queues, datagram sockets). Input: one record per line, per NUL, the
 * whole input as one record, or netstrings. Output: each record followed
 * by a newline, a NUL, or nothing (raw), or as a netstring, batched into
 * large writes.
 *
 * A netstring (djb, as ucspi and qmail use them) is LEN:BYTES, with LEN
 * in decimal, no leading zero: the one framing that carries any payload,
 * newlines and NULs included, over a byte stream.
 */
#ifndef IPCUTILS_RECORD_H
#define IPCUTILS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REC_WHOLE (-1) /* reader: the whole input is one record (-a) */
#define REC_RAW   (-1) /* writer: no terminator (-r) */
#define REC_TOOBIG (-2)
#define REC_NETSTRING (-3) /* reader and writer: LEN:BYTES, */
#define REC_BADFRAME (-4)  /* rec_read: a netstring is malformed or cut */

struct rec_reader {
	int fd;
	int delim;         /* '\n', '\0', REC_WHOLE or REC_NETSTRING */
	size_t max;        /* longest record returned; SIZE_MAX for no limit */
	char *buf;
	size_t cap, start, end;
	bool eof, done;
	uint64_t count;    /* records returned or refused so far */
	bool cut;          /* the refused record was not read to its end: its
			    * length is a lower bound, and no record follows */
	uint64_t off;      /* netstring: stream offset of the next record */
	uint64_t bad_at;   /* REC_BADFRAME: the offset of the fault */
	const char *why;   /* REC_BADFRAME: what is wrong there */
};

void rec_reader_init(struct rec_reader *r, int fd, int delim, size_t max);
/*
 * The next record, without its delimiter, in *rec and *len; it stays valid
 * until the next call. Returns 1 for a record, 0 at the end of input, -1
 * on a read error (errno set), or REC_TOOBIG: record number r->count is
 * *len bytes, more than max; it has been skipped and *rec is NULL (or,
 * with r->cut, at least *len: reading stopped 1M past max, at the end).
 * A last line without its delimiter is still a record; with REC_WHOLE an
 * empty input is one empty record. Netstrings: a record longer than max
 * is REC_TOOBIG with its declared length, unread, and ends the input;
 * REC_BADFRAME is a malformed or cut one (r->why, at byte r->bad_at);
 * nothing is read past either.
 */
int rec_read(struct rec_reader *r, char **rec, size_t *len);
void rec_reader_free(struct rec_reader *r);
/*
 * A whole record (or the end of input) waits in r's buffer: the next
 * rec_read needs no read(2), so a caller polling the descriptor for the
 * next record would wait for nothing.
 */
bool rec_ready(const struct rec_reader *r);

/*
 * Netstrings in p[0..n): how many leading bytes are whole ones, in *whole.
 * Returns 0, or -1 if the one at *whole is malformed (*why); a netstring
 * declaring more than max bytes is malformed here.
 */
int ns_span(const char *p, size_t n, size_t max, size_t *whole, const char **why);

struct rec_writer {
	int fd;
	int term;          /* '\n', '\0', REC_RAW or REC_NETSTRING */
	char *buf;
	size_t cap, len;
};

void rec_writer_init(struct rec_writer *w, int fd, int term);
/* Queue bytes with no terminator (a prefix such as "5\t"). */
int rec_append(struct rec_writer *w, const void *p, size_t n);
/* Queue one record and its terminator (a netstring: head, record, ','). */
int rec_write(struct rec_writer *w, const void *p, size_t n);
/* How many bytes rec_write queues before a record of n bytes. */
size_t rec_head_len(const struct rec_writer *w, size_t n);
/* Write out what is queued. All three: 0, or -1 with errno on a write error. */
int rec_flush(struct rec_writer *w);
void rec_writer_free(struct rec_writer *w);
/* Grow the buffer to hold at least cap bytes, so records up to it queue. */
void rec_writer_reserve(struct rec_writer *w, size_t cap);
/*
 * As rec_flush, and say how far it got: *done is how many of the queued
 * bytes were written, on failure too. The queued bytes stay in w->buf
 * until the next rec_append or rec_write, so a caller that knows where
 * each record lies can take back those that were not written.
 */
int rec_flush_some(struct rec_writer *w, size_t *done);

#endif
