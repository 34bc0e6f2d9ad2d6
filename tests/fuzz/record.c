/* SPDX-License-Identifier: ISC */
/*
 * lib/record: rec_read from a pipe holding the input. The first byte picks
 * the delimiter, the second the longest record. Properties: the records
 * and their delimiters put back together are the input, records too long
 * are reported with their real length, and nothing is returned past the
 * end. Netstrings: the records made netstrings again are the input up to
 * the first one refused, whose fault lies inside the input; ns_span
 * agrees with rec_read on how much is whole.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "record.h"

/* Netstrings: rec_read's records are the input, framed, up to a refusal. */
static void check_netstrings(int fd, const uint8_t *data, size_t size, size_t max)
{
	struct rec_reader r;
	char *rec, head[24];
	size_t len, off = 0, whole;
	const char *why;
	int n;

	rec_reader_init(&r, fd, REC_NETSTRING, max);
	while ((n = rec_read(&r, &rec, &len)) == 1) {
		int hl = snprintf(head, sizeof head, "%zu:", len);
		FZ_CHECK(len <= max && off + (size_t)hl + len + 1 <= size);
		FZ_CHECK(memcmp(data + off, head, (size_t)hl) == 0);
		FZ_CHECK(memcmp(data + off + hl, rec, len) == 0 && data[off + hl + len] == ',');
		off += (size_t)hl + len + 1;
		FZ_CHECK(r.off == off);
	}
	FZ_CHECK(n == 0 || n == REC_TOOBIG || n == REC_BADFRAME);
	FZ_CHECK(n != 0 || off == size);
	FZ_CHECK(n != REC_TOOBIG || (len > max && rec == NULL));
	FZ_CHECK(n != REC_BADFRAME || (r.why && r.bad_at >= off && r.bad_at <= size));
	FZ_CHECK(rec_read(&r, &rec, &len) == 0); /* nothing after the end */
	int k = ns_span((const char *)data, size, max, &whole, &why);
	FZ_CHECK(whole == off);
	FZ_CHECK(n != 0 || k == 0);
	rec_reader_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[] = { '\n', '\0', REC_WHOLE, REC_NETSTRING };
	int p[2];

	if (size < 2 || size > 60000)
		return 0;
	fz_quiet();
	int delim = delims[data[0] % 4];
	size_t max = data[1] == 255 ? SIZE_MAX : data[1];
	data += 2;
	size -= 2;
	FZ_CHECK(pipe2(p, O_CLOEXEC) == 0);
	FZ_CHECK(write(p[1], data, size) == (ssize_t)size);
	close(p[1]);

	if (delim == REC_NETSTRING) {
		check_netstrings(p[0], data, size, max);
		close(p[0]);
		return 0;
	}
	struct rec_reader r;
	char *rec;
	size_t len, off = 0;
	int n;
	rec_reader_init(&r, p[0], delim, max);
	while ((n = rec_read(&r, &rec, &len)) != 0) {
		FZ_CHECK(n == 1 || n == REC_TOOBIG);
		FZ_CHECK(off + len <= size);
		if (n == 1)
			FZ_CHECK(len <= max && memcmp(rec, data + off, len) == 0);
		else
			FZ_CHECK(len > max && rec == NULL);
		off += len;
		if (delim != REC_WHOLE && off < size) {
			FZ_CHECK(data[off] == delim);
			off++;
		}
		FZ_CHECK(delim != REC_WHOLE || off == size);
	}
	FZ_CHECK(off == size);
	rec_reader_free(&r);
	close(p[0]);
	return 0;
}
