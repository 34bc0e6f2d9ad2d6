/* SPDX-License-Identifier: ISC */
/*
 * shm-sink: read standard input (a pipe) to the end and throw it away, as
 * cheaply as Linux allows (splice to /dev/null, else read), so a bench of
 * "X | shm-sink" times the writer X rather than the reader.
 */
#include <fcntl.h>
#include <unistd.h>

#include "diag.h"
#include "tool.h"

int main(void)
{
	static char buf[1 << 17];
	int null;
	ssize_t r;

	tool_init("shm-sink");
	null = open("/dev/null", O_WRONLY);
	if (null < 0)
		die(1, "/dev/null: cannot open:");
	while ((r = splice(STDIN_FILENO, NULL, null, NULL, 1 << 30, 0)) > 0)
		;
	if (r == 0)
		return 0;
	while ((r = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		;
	if (r < 0)
		die(1, "standard input: read error:");
	return 0;
}
