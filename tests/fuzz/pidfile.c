/* SPDX-License-Identifier: ISC */
/*
 * lib/pidfile: pidfile_read on a file holding the input. Properties: it
 * returns a positive PID or -1, and a PID exactly when the file is one
 * positive decimal number without leading zeros, then optionally a
 * newline, "start=" and a start time (decimal, no leading zeros), then an optional
 * newline; what pidfile_write writes reads back, and pidfile_remove
 * removes a file only while it holds what was written.
 */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "fuzz.h"
#include "pidfile.h"

static char path[64];

/* One decimal number of d[0..n), no leading 0 (but "0" if zero_ok), at most max. */
static int64_t number(const uint8_t *d, size_t n, uint64_t max, int zero_ok, uint64_t *v)
{
	*v = 0;
	if (n == 0 || n > 20 || (d[0] == '0' && !(zero_ok && n == 1)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit(d[i]) || *v > (max - (uint64_t)(d[i] - '0')) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(d[i] - '0');
	}
	return 0;
}

/* The rule, said another way: PID, then optionally "\nstart=" T, then '\n'. */
static long expect(const uint8_t *d, size_t n, uint64_t *start)
{
	const uint8_t *nl;
	uint64_t pid;

	*start = PIDFILE_NO_START;
	if (n > 0 && d[n - 1] == '\n')
		n--;
	nl = memchr(d, '\n', n);
	if (number(d, nl ? (size_t)(nl - d) : n, INT_MAX, 0, &pid) < 0)
		return -1;
	if (nl && (n - (size_t)(nl + 1 - d) < 6 || memcmp(nl + 1, "start=", 6) != 0 ||
		   number(nl + 7, n - (size_t)(nl + 7 - d), PIDFILE_NO_START - 1, 1, start) < 0))
		return -1;
	return (long)pid;
}

static void put(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	FZ_CHECK(fd >= 0);
	FZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t start, want_start;
	struct pidfile pf;

	fz_quiet();
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/ipcut-fuzz-pidfile.%ld", (long)getpid());
	put(data, size);
	pid_t pid = pidfile_read(path, &start);
	long want = size < 64 ? expect(data, size, &want_start) : -1;
	FZ_CHECK(pid == want);
	FZ_CHECK(pid < 0 || start == want_start);
	if (pid > 0) {
		FZ_CHECK(pidfile_write(&pf, path, pid) == 0);
		FZ_CHECK(pidfile_read(path, &start) == pid);
		/* Another writer's file in its place is left alone. */
		put(data, size);
		pidfile_remove(&pf);
		FZ_CHECK(access(path, F_OK) == 0 || (pf.len == size && memcmp(pf.text, data, size) == 0));
		FZ_CHECK(pidfile_write(&pf, path, pid) == 0);
		pidfile_remove(&pf);
		FZ_CHECK(access(path, F_OK) != 0);
	}
	unlink(path);
	return 0;
}
