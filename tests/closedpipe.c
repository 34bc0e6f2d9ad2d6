/* SPDX-License-Identifier: ISC */
/*
 * closedpipe CMD [ARG]...: run CMD with stdout a pipe whose reader has
 * already gone, so its first write fails with EPIPE (or SIGPIPE) every
 * time, with no race against a reader that exits "soon".
 */
#include <unistd.h>

#include "diag.h"
#include "exec.h"
#include "tool.h"

int main(int argc, char **argv)
{
	int p[2];

	tool_init("closedpipe");
	if (argc < 2)
		usage_error("usage: closedpipe CMD [ARG]...");
	if (pipe(p) < 0)
		die(1, "pipe:");
	close(p[0]);
	if (dup2(p[1], 1) < 0)
		die(1, "dup2:");
	close(p[1]);
	exec_command(argv + 1);
}
