/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "diag.h"
#include "tool.h"

#ifndef VERSION
#define VERSION "unknown"
#endif

/* Like gnulib's close_stdout: a buffered write that failed is an error. */
static void close_stdout(void)
{
	int failed;

	errno = 0;
	failed = ferror(stdout);

	if (fflush(stdout) != 0)
		failed = 1;
	if (fclose(stdout) != 0 && errno != EBADF)
		failed = 1;
	if (failed) {
		if (errno == 0)
			errno = EIO;
		warn("standard output: write error:");
		_exit(EXIT_FAIL);
	}
}

/* Bit fd set: fd (0, 1 or 2) was closed when the tool started. */
static unsigned closed_std;

/* Fill closed standard descriptors with /dev/null, lowest first, so each
 * open lands on the descriptor it fills. */
static void guard_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (nfd != fd)
			_exit(EXIT_FAIL); /* no /dev/null: nothing safe to do */
		closed_std |= 1u << fd;
	}
}

bool std_closed(int fd)
{
	return fd >= 0 && fd <= 2 && (closed_std & (1u << fd));
}

void need_std(int fd)
{
	static const char *const names[] = { "input", "output", "error" };

	if (std_closed(fd))
		die(EXIT_FAIL, "standard %s is closed", names[fd]);
}

void tool_init(const char *name)
{
	progname = name;
	guard_std_fds();
	signal(SIGPIPE, SIG_IGN);
	atexit(close_stdout);
}

/* --help and --version write only to stdout: a closed one is a write
 * error, not a success with the text gone to /dev/null. */
void print_version(void)
{
	need_std(STDOUT_FILENO);
	printf("%s (ipcutils) %s\n", progname, VERSION);
	exit(0);
}

void print_usage(const char *text)
{
	need_std(STDOUT_FILENO);
	fputs(text, stdout);
	exit(0);
}

void die_stdout(void)
{
	die(EXIT_FAIL, "standard output: write error:");
}
