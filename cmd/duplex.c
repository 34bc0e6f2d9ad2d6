/* SPDX-License-Identifier: ISC */
/* duplex: run two commands, each one's output the other's input. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "deadline.h"
#include "diag.h"
#include "exec.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "pty.h"
#include "signame.h"
#include "supervise.h"
#include "tap.h"
#include "tool.h"

static const char usage[] =
"Usage: duplex [OPTION]... COMMAND1 [ARG]... = COMMAND2 [ARG]...\n"
"Run both commands, COMMAND1's output into COMMAND2's input and COMMAND2's\n"
"output into COMMAND1's input, both ways at once.\n"
"\n"
"      --fds                leave the commands' standard input and output\n"
"                           alone: each reads the other on fd 6, writes on fd 7\n"
"      --grace DURATION     once one command has ended, TERM the other after\n"
"                           DURATION, then KILL after DURATION more\n"
"  -h, --help               display this help and exit\n"
"      --pty A|B            give COMMAND1 (A) or COMMAND2 (B) a pseudo-terminal\n"
"                           for its input and output\n"
"  -S, --separator WORD     WORD separates the commands instead of '='\n"
"      --status-fd N        write both statuses to file descriptor N at the end\n"
"      --trace FILE         write a transcript of both directions to FILE\n"
"  -v, --verbose            say on standard error how each command ended\n"
"  -V, --version            output version information and exit\n"
"\n"
"The status is COMMAND1's if not 0, else COMMAND2's (128+N: killed by\n"
"signal N); 125 if duplex itself fails, 126 if a command cannot run, 127 if\n"
"it is not found.\n"
"\n"
"Exit status: a command's (see above), 2 usage error, 125 duplex failed.\n";

static const char optstring[] = "+:hS:vV";

/* Long-only: a letter means one thing in the whole suite (ipcutils(7)). */
enum { OPT_FDS = 0x100, OPT_GRACE, OPT_PTY, OPT_STATUS_FD, OPT_TRACE };

static const struct option longopts[] = {
	{ "fds", no_argument, NULL, OPT_FDS },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ "help", no_argument, NULL, 'h' },
	{ "pty", required_argument, NULL, OPT_PTY },
	{ "separator", required_argument, NULL, 'S' },
	{ "status-fd", required_argument, NULL, OPT_STATUS_FD },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	char **cmd[2];        /* the two argv, NULL-terminated */
	bool fds;             /* channels on fds 6 and 7 */
	int pty;              /* side with a pseudo-terminal: 0, 1, or -1 */
	struct timeout grace; /* none: wait for the other side */
	const char *sep;
	int status_fd;        /* -1 for none */
	const char *trace;    /* transcript file, or NULL */
	bool verbose;
	/* The last option's argument and the option as typed, to name them
	 * when that argument was meant as COMMAND1 (-t cat = cat). */
	const char *last_arg;
	char last_opt[32];
};

/* The descriptors each command gets, and what duplex relays, if anything. */
struct plumbing {
	int in[2], out[2];    /* command i's input and output */
	struct tap_way way[2]; /* way[0]: 1>2, way[1]: 2>1 (relaying only) */
	bool relay;
};

static void pipe_or_die(int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		die(EXIT_CANNOT, "cannot make a pipe between the commands:");
}

/*
 * Without --trace or --pty the commands are joined by two pipes and duplex
 * stays out of the data path. Otherwise each command gets pipes (or a pty)
 * of its own, and duplex relays between them.
 */
static void plumb(const struct opts *o, struct plumbing *pl, struct tap *tap)
{
	int from[2], to[2]; /* duplex's ends: i's output, i's input */
	int p[2], q[2];

	pl->relay = o->trace || o->pty >= 0;
	if (!pl->relay) {
		pipe_or_die(p);
		pipe_or_die(q);
		pl->out[0] = p[1], pl->in[1] = p[0];
		pl->out[1] = q[1], pl->in[0] = q[0];
		return;
	}
	for (int i = 0; i < 2; i++) {
		if (i == o->pty) {
			int m, s;
			if (pty_open(&m, &s) < 0 || (to[i] = fcntl(m, F_DUPFD_CLOEXEC, 3)) < 0)
				die(EXIT_CANNOT, "cannot open a pseudo-terminal:");
			pl->in[i] = pl->out[i] = s;
			from[i] = m;
			continue;
		}
		pipe_or_die(p);
		pipe_or_die(q);
		pl->out[i] = p[1], from[i] = p[0];
		pl->in[i] = q[0], to[i] = q[1];
	}
	tap_way_init(&pl->way[0], tap, from[0], to[1], "1>2", o->pty == 1);
	tap_way_init(&pl->way[1], tap, from[1], to[0], "2>1", o->pty == 0);
}

/* In the child: the channels on 0 and 1 (or 6 and 7), then the command. */
static noreturn void run_side(const struct opts *o, int i, int in, int out)
{
	int tin = o->fds ? 6 : STDIN_FILENO, tout = o->fds ? 7 : STDOUT_FILENO;
	/* Out of the way first: in or out may sit where the other must go. */
	int a = fcntl(in, F_DUPFD, 10), b = fcntl(out, F_DUPFD, 10);

	if (a < 0 || b < 0 || dup2(a, tin) < 0 || dup2(b, tout) < 0) {
		warn("%s: cannot set up its input and output:", o->cmd[i][0]);
		_exit(EXIT_CANNOT);
	}
	close(a);
	close(b);
	if (o->fds && (setenv("DUPLEX_IN_FD", "6", 1) < 0 || setenv("DUPLEX_OUT_FD", "7", 1) < 0)) {
		warn("cannot set DUPLEX_IN_FD and DUPLEX_OUT_FD:");
		_exit(EXIT_CANNOT);
	}
	exec_command(o->cmd[i]);
}

static void start(const struct opts *o, struct supervisor *s, struct plumbing *pl)
{
	for (int i = 0; i < 2; i++) {
		pid_t pid = sup_fork(s);
		if (pid < 0)
			die(EXIT_CANNOT, "%s: cannot start a process for it:", o->cmd[i][0]);
		if (pid == 0)
			run_side(o, i, pl->in[i], pl->out[i]);
	}
	for (int i = 0; i < 2; i++) {
		close(pl->in[i]);
		if (pl->out[i] != pl->in[i])
			close(pl->out[i]);
	}
}

/* --grace: the stage reached (0 none, 1 TERM due, 2 KILL due) and when. */
struct grace {
	int stage;
	struct deadline when;
};

static void grace_step(const struct opts *o, const struct supervisor *s, struct grace *g)
{
	int left = s->done[0] ? 1 : 0;

	if (o->grace.ns < 0 || s->running != 1)
		return;
	if (g->stage == 0) {
		g->stage = 1;
		deadline_start(&g->when, o->grace.ns);
	} else if (g->stage < 3 && deadline_passed(&g->when)) {
		int sig = g->stage == 1 ? SIGTERM : SIGKILL;
		if (o->verbose)
			warn("%s: still running %s after %s ended: sending %s", o->cmd[left][0],
			     timeout_str(&o->grace), o->cmd[!left][0], sig == SIGTERM ? "TERM" : "KILL");
		sup_signal(s, left, sig);
		g->stage++;
		deadline_start(&g->when, o->grace.ns);
	}
}

/* Wait for both commands, relaying both ways if duplex is in the path. */
static void supervise(const struct opts *o, struct supervisor *s, struct plumbing *pl)
{
	struct grace g = { .stage = 0 };

	/* Once both have ended, what is left in the pipes is still traced. */
	for (;;) {
		struct pollfd p[5] = { { .fd = s->fd, .events = POLLIN } };
		int nfds = 1;
		if (pl->relay) {
			tap_way_poll(&pl->way[0], &p[1]);
			tap_way_poll(&pl->way[1], &p[3]);
			nfds = 5;
		}
		grace_step(o, s, &g);
		int ms = g.stage == 1 || g.stage == 2 ? deadline_poll_ms(&g.when) : -1;
		int ready = poll(p, (nfds_t)nfds, s->running > 0 ? ms : 0);
		if (ready < 0 && errno != EINTR)
			die(EXIT_CANNOT, "cannot wait on the commands' streams:");
		if (s->running == 0 && ready <= 0)
			break;
		if (pl->relay) {
			/* Data before ends: the transcript tells them in that order. */
			int first = !(p[1].revents & POLLIN) && (p[3].revents & POLLIN);
			tap_way_step(&pl->way[first], &p[1 + 2 * first]);
			tap_way_step(&pl->way[!first], &p[1 + 2 * !first]);
		}
		if (p[0].revents)
			sup_handle(s);
	}
}

static void report(const struct opts *o, const struct supervisor *s)
{
	char name[SIG_NAME_MAX];

	for (int i = 0; o->verbose && i < 2; i++) {
		int ws = s->wstatus[i];
		if (WIFSIGNALED(ws))
			warn("%s: killed by signal %s (status %d)", o->cmd[i][0],
			     sig_name(WTERMSIG(ws), name), s->status[i]);
		else
			warn("%s: exited with status %d", o->cmd[i][0], s->status[i]);
	}
	if (o->status_fd >= 0) {
		char line[32];
		int n = snprintf(line, sizeof line, "%d %d\n", s->status[0], s->status[1]);
		if (write_all(o->status_fd, line, (size_t)n) < 0)
			die(EXIT_CANNOT, "status fd %d: write error:", o->status_fd);
	}
}

static int run(const struct opts *o)
{
	struct supervisor s;
	struct plumbing pl = { .relay = false };
	struct tap tap = { .fd = -1, .name = o->trace, .t0 = now_ns() };

	if (o->trace && (tap.fd = open(o->trace, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				       0600)) < 0)
		die(EXIT_CANNOT, "%s: cannot create the transcript:", o->trace);
	if (sup_init(&s, SUP_GROUPS) < 0)
		die(EXIT_CANNOT, "cannot supervise the commands:");
	plumb(o, &pl, &tap);
	start(o, &s, &pl);
	supervise(o, &s, &pl);
	sup_done(&s);
	if (tap.fd >= 0 && close(tap.fd) < 0 && !tap.failed) {
		warn("%s: write error:", o->trace);
		tap.failed = true;
	}
	report(o, &s);
	int st = tap.failed ? EXIT_CANNOT : s.status[0] != 0 ? s.status[0] : s.status[1];
	sup_free(&s);
	return st;
}

static int status_fd_arg(const char *arg)
{
	int fd = (int)arg_u64("--status-fd", arg, 0, 65535);

	/* It is made close-on-exec: 0-2 would start the commands without it. */
	if (fd <= STDERR_FILENO)
		usage_error("--status-fd: %d is a standard stream: use 3 or more", fd);
	if (std_closed(fd) || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		usage_error("--status-fd: %d is not an open file descriptor", fd);
	return fd;
}

/* COMMAND1 ... SEP COMMAND2 ...: split argv in place at the first SEP. */
static void split_commands(struct opts *o, int argc, char **argv)
{
	int sep = -1;

	for (int i = optind; i < argc && sep < 0; i++)
		if (strcmp(argv[i], o->sep) == 0)
			sep = i;
	if (optind >= argc)
		usage_error("missing COMMAND1");
	if (sep < 0)
		usage_error("missing '%s' between the two commands", o->sep);
	if (sep == optind && o->last_arg)
		usage_error("missing COMMAND1 before '%s': %s took '%s' as its argument",
			    o->sep, o->last_opt, o->last_arg);
	if (sep == optind)
		usage_error("missing COMMAND1 before '%s'", o->sep);
	if (sep == argc - 1)
		usage_error("missing COMMAND2 after '%s'", o->sep);
	argv[sep] = NULL;
	o->cmd[0] = &argv[optind];
	o->cmd[1] = &argv[sep + 1];
}

/* Keep the option c just parsed and its argument, as the user typed them. */
static void note_arg(struct opts *o, char **argv, int c)
{
	const char *word = argv[optind - 1];

	o->last_arg = optarg;
	if (optarg == word && optind >= 2)  /* -t FILE, --trace FILE */
		snprintf(o->last_opt, sizeof o->last_opt, "%s", argv[optind - 2]);
	else if (strncmp(word, "--", 2) == 0)  /* --trace=FILE */
		snprintf(o->last_opt, sizeof o->last_opt, "%.*s", (int)strcspn(word, "="), word);
	else  /* -tFILE */
		snprintf(o->last_opt, sizeof o->last_opt, "-%c", c);
}

/* Whether option c takes an argument. */
static bool takes_arg(int c)
{
	for (const struct option *l = longopts; l->name; l++)
		if (l->val == c)
			return l->has_arg == required_argument;
	return false;
}

/* The options into o (with its defaults), then the two commands. */
static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .pty = -1, .grace = NO_TIMEOUT, .sep = "=", .status_fd = -1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FDS: o->fds = true; break;
		case OPT_GRACE: o->grace = arg_timeout("--grace", optarg); break;
		case 'h': print_usage(usage);
		case OPT_PTY:
			if (strcmp(optarg, "A") != 0 && strcmp(optarg, "B") != 0)
				usage_error("--pty: '%s' is not A (COMMAND1) or B (COMMAND2)", optarg);
			o->pty = optarg[0] == 'A' ? 0 : 1;
			break;
		case 'S':
			if (!*optarg)
				usage_error("--separator: the separator cannot be empty");
			o->sep = optarg;
			break;
		case OPT_STATUS_FD: o->status_fd = status_fd_arg(optarg); break;
		case OPT_TRACE: o->trace = optarg; break;
		case 'v': o->verbose = true; break;
		case 'V': print_version();
		default: usage_bad_option(argc, argv, optstring, c);
		}
		if (takes_arg(c))
			note_arg(o, argv, c);
		else
			o->last_arg = NULL;
	}
	if (o->fds && o->pty >= 0)
		usage_error("--fds and --pty cannot go together: a pty is standard input and output");
	split_commands(o, argc, argv);
}

int main(int argc, char **argv)
{
	struct opts o;

	tool_init("duplex");
	parse(argc, argv, &o);
	return run(&o);
}
