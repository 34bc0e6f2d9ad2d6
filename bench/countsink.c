/* SPDX-License-Identifier: ISC */
/*
 * countsink: the receiving end of a bench transfer. Not installed.
 *   countsink BYTES LABEL   move stdin to /dev/null (splice(2) where stdin
 *                           is a pipe), count it, and fail loudly unless
 *                           exactly BYTES arrived: a relay that drops data
 *                           is not fast.
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "diag.h"
#include "parse.h"
#include "tool.h"

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	uint64_t want, got = 0;
	int null;

	tool_init("countsink");
	if (argc != 3)
		usage_error("usage: countsink BYTES LABEL");
	want = arg_size("BYTES", argv[1], UINT64_MAX);
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		die(1, "/dev/null:");
	for (;;) {
		ssize_t n = splice(STDIN_FILENO, NULL, null, NULL, 1 << 20, SPLICE_F_MOVE);
		if (n < 0)
			n = read(STDIN_FILENO, buf, sizeof buf);
		if (n < 0)
			die(1, "%s: standard input:", argv[2]);
		if (n == 0)
			break;
		got += (uint64_t)n;
	}
	if (got != want)
		die(1, "%s: %llu bytes arrived of %llu: DATA LOST", argv[2],
		    (unsigned long long)got, (unsigned long long)want);
	return 0;
}
