/* SPDX-License-Identifier: ISC */
/*
 * lib/record: rec_read from a pipe holding the input. The first byte picks
 * the delimiter, the second the longest record. Properties: the records
 * and their delimiters put back together are the input, records too long
 * are reported with their real length, and nothing is returned past the
 * end.
 */
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[] = { '\n', '\0', REC_WHOLE };
	int p[2];

	if (size < 2 || size > 60000)
		return 0;
	fz_quiet();
	int delim = delims[data[0] % 3];
	size_t max = data[1] == 255 ? SIZE_MAX : data[1];
	data += 2;
	size -= 2;
	FZ_CHECK(pipe2(p, O_CLOEXEC) == 0);
	FZ_CHECK(write(p[1], data, size) == (ssize_t)size);
	close(p[1]);

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
