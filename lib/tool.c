#include <errno.h>
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

void tool_init(const char *name)
{
	progname = name;
	signal(SIGPIPE, SIG_IGN);
	atexit(close_stdout);
}

void print_version(void)
{
	printf("%s (ipcutils) %s\n", progname, VERSION);
	exit(0);
}

void print_usage(const char *text)
{
	fputs(text, stdout);
	exit(0);
}

void die_stdout(void)
{
	die(EXIT_FAIL, "standard output: write error:");
}
