/* SPDX-License-Identifier: ISC */
/*
 * exitlat: how long after a process exits do waiters notice?
 *
 *   exitlat [-n RUNS] CASE LABEL CMD [LABEL CMD]...
 *
 * For each run of each command: start a target process (not the command's
 * child), start CMD with every "{}" replaced by the target's PID, give it
 * 50 ms to settle into its wait, then let the target exit. The time from
 * the target's own last clock reading before _exit to CMD's return is
 * the figure. Commands take turns, and the table is timeit's: median,
 * spread, ratio to the first (the ipcutils one).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "parse.h"
#include "tool.h"
#include "table.h"

#define MAXCMD 8

/* CMD with each {} replaced by pid, run by sh -c. */
static char *subst(const char *cmd, pid_t pid)
{
	char num[16], *out = malloc(strlen(cmd) * 8 + 16), *o = out;

	snprintf(num, sizeof num, "%ld", (long)pid);
	for (const char *p = cmd; *p; p++) {
		if (p[0] == '{' && p[1] == '}') {
			o = stpcpy(o, num);
			p++;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static int64_t run(const char *label, const char *cmd, volatile int64_t *exit_ns)
{
	int p[2], st;
	pid_t target, waiter;

	if (pipe2(p, O_CLOEXEC) < 0)
		die(1, "pipe:");
	target = fork();
	if (target < 0)
		die(1, "fork:");
	if (target == 0) {
		char c;
		close(p[1]);
		while (read(p[0], &c, 1) > 0)
			;
		*exit_ns = now_ns();
		_exit(0);
	}
	close(p[0]);
	char *text = subst(cmd, target);
	waiter = fork();
	if (waiter < 0)
		die(1, "fork:");
	if (waiter == 0) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		execl("/bin/sh", "sh", "-c", text, (char *)NULL);
		_exit(127);
	}
	free(text);
	nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
	if (waitpid(waiter, &st, WNOHANG) != 0)
		die(1, "%s: returned before the target exited: %s", label, cmd);
	close(p[1]);
	waitpid(target, &st, 0); /* reaped at once: kill -0 must see it gone */
	if (waitpid(waiter, &st, 0) < 0)
		die(1, "waitpid:");
	int64_t t = now_ns() - *exit_ns;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die(1, "%s: failed: %s", label, cmd);
	return t;
}

int main(int argc, char **argv)
{
	const char *label[MAXCMD], *cmd[MAXCMD];
	int64_t *ns[MAXCMD];
	int runs = 10, ncmd = 0, opt;

	tool_init("exitlat");
	while ((opt = getopt(argc, argv, "+n:")) != -1) {
		if (opt != 'n')
			usage_error("usage: exitlat [-n RUNS] CASE LABEL CMD [LABEL CMD]...");
		runs = (int)arg_u64("-n", optarg, 1, 100000);
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || (argc - 1) % 2 != 0 || (argc - 1) / 2 > MAXCMD)
		usage_error("usage: exitlat [-n RUNS] CASE LABEL CMD [LABEL CMD]...");
	volatile int64_t *exit_ns = mmap(NULL, sizeof *exit_ns, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (exit_ns == MAP_FAILED)
		die(1, "mmap:");
	for (int i = 1; i < argc; i += 2, ncmd++) {
		label[ncmd] = argv[i];
		cmd[ncmd] = argv[i + 1];
		ns[ncmd] = calloc((size_t)runs, sizeof(int64_t));
	}
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < ncmd; i++)
			ns[i][r] = run(label[i], cmd[i], exit_ns);
	print_table(argv[0], ncmd, label, ns, runs);
	return 0;
}
