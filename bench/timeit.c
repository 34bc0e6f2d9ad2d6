/* SPDX-License-Identifier: ISC */
/*
 * timeit: time commands against each other in one run.
 *
 *   timeit [-n RUNS] CASE LABEL CMD [LABEL CMD]...
 *
 * Runs the commands in turn (A B C A B C ...) RUNS times each, so a change
 * in the machine's load hits them alike, and prints one row per command:
 * the median wall time, the spread (min..max, or p10..p90 from 10 runs
 * on), and the ratio of its median to the first command's. The first
 * command is the ipcutils one; a peer's ratio above 1 means ipcutils is
 * faster. A CMD with no shell syntax is run with execvp, split on blanks,
 * so start-up times are not a shell's; any other CMD runs under sh -c.
 * Its stdout and stdin are /dev/null unless it redirects them itself.
 * A command that exits non-zero is not run again: its row says FAILED,
 * the others are still timed, and timeit exits 1.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "exec.h"
#include "parse.h"
#include "tool.h"
#include "table.h"

#define MAXCMD 8

struct cmd {
	const char *label, *text;
	char *argv[64];
	int64_t *ns;
};

static void split(struct cmd *c)
{
	static char sh[] = "/bin/sh", dashc[] = "-c";

	if (strpbrk(c->text, "|&;<>()$`\\\"'*?[]~=") == NULL) {
		char *s = strdup(c->text);
		int n = 0;
		for (char *tok = strtok(s, " \t"); tok && n < 63; tok = strtok(NULL, " \t"))
			c->argv[n++] = tok;
		c->argv[n] = NULL;
		if (n > 0)
			return;
	}
	c->argv[0] = sh;
	c->argv[1] = dashc;
	c->argv[2] = (char *)c->text;
	c->argv[3] = NULL;
}

/* The wall time of one run of c, or -1 if it failed (said on stderr). */
static int64_t run(struct cmd *c)
{
	int64_t t0 = now_ns();
	pid_t pid = fork();
	int st;

	if (pid < 0)
		die(1, "fork:");
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		exec_command(c->argv);
	}
	if (waitpid(pid, &st, 0) < 0)
		die(1, "waitpid:");
	int64_t t = now_ns() - t0;
	if (exit_status_of(st) != 0) {
		warn("%s: exited with status %d: %s", c->label, exit_status_of(st), c->text);
		return -1;
	}
	return t;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAXCMD];
	int runs = 10, ncmd = 0, opt, failed = 0;

	tool_init("timeit");
	while ((opt = getopt(argc, argv, "+n:")) != -1) {
		if (opt != 'n')
			usage_error("usage: timeit [-n RUNS] CASE LABEL CMD [LABEL CMD]...");
		runs = (int)arg_u64("-n", optarg, 1, 1000000);
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || (argc - 1) % 2 != 0 || (argc - 1) / 2 > MAXCMD)
		usage_error("usage: timeit [-n RUNS] CASE LABEL CMD [LABEL CMD]...");
	for (int i = 1; i < argc; i += 2, ncmd++) {
		cmds[ncmd] = (struct cmd){ .label = argv[i], .text = argv[i + 1] };
		split(&cmds[ncmd]);
		cmds[ncmd].ns = calloc((size_t)runs, sizeof(int64_t));
	}
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < ncmd; i++) {
			if (r > 0 && cmds[i].ns[0] < 0)
				cmds[i].ns[r] = -1;
			else if ((cmds[i].ns[r] = run(&cmds[i])) < 0) {
				cmds[i].ns[0] = -1;
				failed = 1;
			}
		}
	const char *label[MAXCMD];
	int64_t *ns[MAXCMD];
	for (int i = 0; i < ncmd; i++) {
		label[i] = cmds[i].label;
		ns[i] = cmds[i].ns;
	}
	print_table(argv[0], ncmd, label, ns, runs);
	return failed;
}
