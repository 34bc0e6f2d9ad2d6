/* SPDX-License-Identifier: ISC */
/*
 * lib/pidfile: pidfile_read on a file holding the input. Properties: it
 * returns a positive PID or -1, and a PID exactly when the file is one
 * positive decimal number without leading zeros and an optional newline;
 * what pidfile_write writes reads back.
 */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "fuzz.h"
#include "pidfile.h"

static char path[64];

/* The rule, said another way: digits, no leading 0, up to INT_MAX, '\n'. */
static long expect(const uint8_t *d, size_t n)
{
	long v = 0;

	if (n > 0 && d[n - 1] == '\n')
		n--;
	if (n == 0 || n > 10 || d[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit(d[i]))
			return -1;
		v = v * 10 + (d[i] - '0');
	}
	return v <= INT_MAX ? v : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet();
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/ipcut-fuzz-pidfile.%ld", (long)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FZ_CHECK(fd >= 0);
	FZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
	pid_t pid = pidfile_read(path);
	FZ_CHECK(pid == expect(data, size));
	if (pid > 0) {
		FZ_CHECK(pidfile_write(path, pid) == 0);
		FZ_CHECK(pidfile_read(path) == pid);
	}
	unlink(path);
	return 0;
}
