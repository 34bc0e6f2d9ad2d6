/* SPDX-License-Identifier: ISC */
/* sigsend: kill(1) made safe and scriptable. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "deadline.h"
#include "diag.h"
#include "opterr.h"
#include "parse.h"
#include "await.h"
#include "pidfile.h"
#include "proc.h"
#include "signame.h"
#include "tool.h"

static const char usage[] =
"Usage: sigsend [OPTION]... PID...\n"
"  or:  sigsend -L [SIG]...\n"
"Send a signal to each process PID. Each is pinned with a pidfd first, so a\n"
"recycled PID is never signalled by mistake; optionally wait for them to exit.\n"
"\n"
"      --escalate DURATION:SIG\n"
"                           a step, as util-linux kill's --timeout: DURATION\n"
"                           after the last signal, send SIG to survivors;\n"
"                           repeatable, implies --wait\n"
"  -g, --group PGID         also signal process group PGID\n"
"      --kill-after DURATION\n"
"                           send KILL to a process still running after\n"
"                           DURATION, and wait for it (implies --wait)\n"
"  -L, --list               print the signals, one NUMBER NAME per line;\n"
"                           with operands, convert each SIG name <-> number\n"
"      --pidfile FILE       also signal the process whose PID is in FILE\n"
"  -q, --value N            send with sigqueue, carrying the integer N\n"
"      --signal SIG         TERM (default), SIGTERM, term, 15, RTMIN+N,\n"
"                           RTMAX-N; 0 only checks the process may be signalled\n"
"  -T, --timeout DURATION   give up waiting after DURATION in all (status 124)\n"
"  -W, --wait-exist         wait for each --pidfile FILE to appear, within -T\n"
"  -w, --wait               wait until every process has exited\n"
"  -h, --help               display this help and exit\n"
"  -V, --version            output version information and exit\n"
"\n"
"A PID must be positive: 0 and negative numbers, which kill(2) reads as process\n"
"groups or every process, are refused; say -g PGID for a group.\n"
"DURATION is a number with an optional unit ms, s (default), m or h.\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error, 124 timed out waiting.\n";

/* Long-only: a letter means one thing in the whole suite (ipcutils(7)). */
enum { OPT_ESCALATE = 0x100, OPT_KILL_AFTER, OPT_PIDFILE, OPT_SIGNAL };

static const struct option longopts[] = {
	{ "escalate", required_argument, NULL, OPT_ESCALATE },
	{ "group", required_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ "kill-after", required_argument, NULL, OPT_KILL_AFTER },
	{ "list", no_argument, NULL, 'L' },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "signal", required_argument, NULL, OPT_SIGNAL },
	{ "timeout", required_argument, NULL, 'T' },
	{ "value", required_argument, NULL, 'q' },
	{ "version", no_argument, NULL, 'V' },
	{ "wait", no_argument, NULL, 'w' },
	{ "wait-exist", no_argument, NULL, 'W' },
	{ 0 }
};

/* Escalation: DURATION after the last signal, survivors get sig. */
struct step {
	struct timeout after;
	int sig;
};
#define MAX_STEPS 16

struct target;

struct opts {
	int sig;
	bool listing, queued, wait;
	bool wait_exist;           /* -W: wait for each pidfile to appear */
	int value;                 /* -q N */
	struct timeout timeout;    /* -T */
	struct step steps[MAX_STEPS];
	int nsteps;
	struct target *t;          /* PIDs, --pidfile FILEs and -g PGIDs, in order */
	int n;
	char **sigs;               /* -L's operands */
	int nsigs;
};

struct target {
	char label[PATH_MAX + 48]; /* how messages name it */
	const char *file;          /* --pidfile FILE, read when pinning */
	pid_t pid;
	uint64_t start;            /* --pidfile FILE: the start time in it, if any */
	int fd;                    /* its pidfd, or -1 (group, or no pidfd) */
	bool group;
	bool waiting;              /* signalled, not yet seen to exit */
};

static int send_one(const struct target *t, int sig, bool queued, int value)
{
	if (t->group)
		return kill(-t->pid, sig);
	if (t->fd >= 0)
		return queued ? proc_pidfd_sigqueue(t->fd, sig, value)
			      : proc_pidfd_signal(t->fd, sig, NULL);
	if (queued)
		return sigqueue(t->pid, sig, (union sigval){ .sival_int = value });
	return kill(t->pid, sig);
}

static bool send_sig(struct target *t, int sig, bool queued, int value)
{
	char name[SIG_NAME_MAX];

	if (send_one(t, sig, queued, value) == 0)
		return true;
	if (errno == ESRCH)
		warn("%s: no such process", t->label);
	else if (errno == EPERM)
		warn("%s: permission denied", t->label);
	else
		warn("%s: cannot send %s:", t->label, sig_name(sig, name));
	return false;
}

/*
 * Send sig to every pinned target; with wait, mark those to wait for.
 * -s 0 -w waits without permission to signal, as pidwait does (the pidfd
 * says whether it exists); a stopped target that is waited for gets CONT
 * after the signal, or it could not act on it and exit.
 */
static int send_all(const struct opts *o)
{
	struct target *t = o->t;
	int n = o->n, sig = o->sig;
	bool wait = o->wait;
	int status = 0;

	for (int i = 0; i < n; i++) {
		if (t[i].pid == 0)
			continue;
		if (sig == 0 && wait && t[i].fd >= 0) {
			t[i].waiting = true;
			continue;
		}
		if (sig == 0 && wait && kill(t[i].pid, 0) < 0 && errno == EPERM) {
			t[i].waiting = true;
			continue;
		}
		if (!send_sig(&t[i], sig, o->queued, o->value)) {
			status = EXIT_FAIL;
			continue;
		}
		t[i].waiting = wait;
		if (wait && sig != 0 && sig != SIGKILL && sig != SIGCONT && !t[i].group
		    && proc_stopped(t[i].pid))
			send_one(&t[i], SIGCONT, false, 0);
	}
	return status;
}

/* One step of escalation: the survivors get its signal (with CONT if stopped). */
static void escalate(struct target *t, int n, const struct step *st)
{
	char name[SIG_NAME_MAX];

	sig_name(st->sig, name);
	for (int i = 0; i < n; i++) {
		if (!t[i].waiting)
			continue;
		warn("%s: still running after %s; sending %s", t[i].label,
		     timeout_str(&st->after), name);
		if (!send_sig(&t[i], st->sig, false, 0))
			t[i].waiting = false;
		else if (st->sig != SIGKILL && st->sig != SIGCONT && proc_stopped(t[i].pid))
			send_one(&t[i], SIGCONT, false, 0);
	}
}

/*
 * The targets still waited for: their pidfds into pfd (*np of them), and
 * *fallback set when one has none. Returns how many are left.
 */
static int watch(struct target *t, int n, struct pollfd *pfd, int *np, bool *fallback)
{
	int left = 0;

	for (int i = 0; i < n; i++) {
		if (!t[i].waiting)
			continue;
		if (t[i].fd < 0 && proc_gone(t[i].pid)) {
			t[i].waiting = false;
			continue;
		}
		left++;
		if (t[i].fd < 0)
			*fallback = true;
		else
			pfd[(*np)++] = (struct pollfd){ .fd = t[i].fd, .events = POLLIN };
	}
	return left;
}

/*
 * Wait until every signalled target has exited, woken by its pidfd. After
 * each step's DURATION the survivors get its SIG. Returns 0, or 124 when
 * the timeout passed first, naming each survivor.
 */
static int wait_all(const struct opts *o)
{
	struct target *t = o->t;
	int n = o->n, nsteps = o->nsteps;
	const struct step *steps = o->steps;
	struct pollfd *pfd = xcalloc((size_t)n, sizeof *pfd);
	struct deadline dl, ka;
	int next = 0;
	bool killed = nsteps == 0;

	deadline_start(&dl, o->timeout.ns);
	deadline_start(&ka, nsteps > 0 ? steps[0].after.ns : -1);
	for (;;) {
		int np = 0, ms;
		bool fallback = false;

		if (watch(t, n, pfd, &np, &fallback) == 0)
			break;
		if (deadline_passed(&dl)) {
			for (int i = 0; i < n; i++)
				if (t[i].waiting)
					warn("%s: still running after %s", t[i].label,
					     timeout_str(&o->timeout));
			free(pfd);
			return EXIT_TIMEOUT;
		}
		if (!killed && deadline_passed(&ka)) {
			escalate(t, n, &steps[next]);
			if (++next == nsteps)
				killed = true;
			else
				deadline_start(&ka, steps[next].after.ns);
			continue;
		}
		ms = deadline_poll_ms(&dl);
		if (!killed && (ms < 0 || deadline_poll_ms(&ka) < ms))
			ms = deadline_poll_ms(&ka);
		/* Without pidfds (old kernels) there is nothing to wake us: look again. */
		if (fallback && (ms < 0 || ms > 10))
			ms = 10;
		if (poll(pfd, (nfds_t)np, ms) < 0 && errno != EINTR)
			die(EXIT_FAIL, "cannot wait for the processes to end:");
		for (int i = 0, j = 0; i < n && j < np; i++)
			if (t[i].waiting && t[i].fd >= 0 && t[i].fd == pfd[j].fd)
				if (pfd[j++].revents)
					t[i].waiting = false;
	}
	free(pfd);
	return 0;
}

/* -g PGID: a group target; 1 and our own group are refused. */
static void add_group(struct target *t, const char *arg)
{
	t->pid = arg_pgid("--group", arg);
	t->group = true;
	t->fd = -1;
	snprintf(t->label, sizeof t->label, "process group %d", (int)t->pid);
}

static void add_step(struct opts *o, const char *opt, const char *arg, int sig)
{
	if (o->nsteps == MAX_STEPS)
		usage_error("%s: at most %d steps", opt, MAX_STEPS);
	o->steps[o->nsteps++] = (struct step){ arg_timeout(opt, arg), sig };
	o->wait = true;
}

/*
 * --escalate DURATION:SIG, a step. The SIG is cut off in place, so the
 * DURATION is the text messages name.
 */
static void step_option(struct opts *o, char *arg)
{
	char *sig = strchr(arg, ':');

	if (!sig)
		usage_error("--escalate: '%s': a step is DURATION:SIG", arg);
	*sig++ = '\0';
	add_step(o, "--escalate", arg, arg_signal("--escalate", sig, 1));
}

/*
 * Pin every process first, so none of them can be replaced meanwhile. A
 * pidfile is read just before: it names a process at this moment. A
 * target that fails gets pid 0 (skipped); returns 0 or EXIT_FAIL.
 */
static int pin_all(const struct opts *o)
{
	struct target *t = o->t;
	int n = o->n;
	int status = 0;

	for (int i = 0; i < n; i++) {
		if (t[i].file) {
			t[i].pid = pidfile_read(t[i].file, &t[i].start);
			if (t[i].pid < 0) {
				t[i].pid = 0;
				status = EXIT_FAIL;
				continue;
			}
			snprintf(t[i].label, sizeof t->label, "%s: process %d", t[i].file,
				 (int)t[i].pid);
		}
		if (t[i].group)
			continue;
		if (!proc_pin(t[i].pid, o->wait, t[i].label, &t[i].fd)) {
			t[i].pid = 0;
			status = EXIT_FAIL;
		} else if (t[i].file && !pidfile_same_start(t[i].pid, t[i].start, t[i].label)) {
			if (t[i].fd >= 0)
				close(t[i].fd);
			t[i].fd = -1;
			t[i].pid = 0;
			status = EXIT_FAIL;
		}
	}
	return status;
}

/* -W: wait for every --pidfile FILE to appear; -T bounds this and --wait together. */
static void await_pidfiles(struct opts *o)
{
	struct deadline d;
	int64_t t0 = now_ns();

	deadline_start(&d, o->timeout.ns);
	for (int i = 0; i < o->n; i++)
		if (o->t[i].file && !await_file(o->t[i].file, &d))
			die(EXIT_TIMEOUT, "%s: no pidfile within %s", o->t[i].file,
			    timeout_str(&o->timeout));
	timeout_spend(&o->timeout, t0);
}

static const char optstring[] = ":g:hLq:T:VWw";

static void parse_option(struct opts *o, int c, int argc, char **argv)
{
	switch (c) {
	case 'g': add_group(&o->t[o->n++], optarg); break;
	case 'h': print_usage(usage);
	case OPT_ESCALATE: step_option(o, optarg); break;
	case OPT_KILL_AFTER: add_step(o, "--kill-after", optarg, SIGKILL); break;
	case 'L': o->listing = true; break;
	case OPT_PIDFILE: o->t[o->n++].file = optarg; break;
	case 'q':
		o->value = (int)arg_i64("--value", optarg, INT_MIN, INT_MAX);
		o->queued = true;
		break;
	case OPT_SIGNAL: o->sig = arg_signal("--signal", optarg, 0); break;
	case 'T':
		if (strchr(optarg, ':'))
			usage_error("--timeout: '%s': a step is written --escalate %s", optarg, optarg);
		o->timeout = arg_timeout("--timeout", optarg);
		break;
	case 'V': print_version();
	case 'W': o->wait_exist = true; break;
	case 'w': o->wait = true; break;
	default:
		if (c == '?' && optopt >= '0' && optopt <= '9')
			usage_error("PIDs must be positive; kill(2) would read a negative one as a process group (use -g PGID)");
		usage_bad_option(argc, argv, optstring, c);
	}
}

/* What the options say together: refused before anything is sent. */
static void check(const struct opts *o)
{
	if (o->n == 0)
		usage_error("no process given: name a PID, --pidfile FILE or -g PGID");
	if (o->timeout.text && !o->wait && !o->wait_exist)
		usage_error("--timeout bounds the wait: give --wait, --wait-exist or --kill-after too");
	bool files = false;
	for (int i = 0; i < o->n; i++)
		files = files || o->t[i].file;
	if (o->wait_exist && !files)
		usage_error("--wait-exist waits for a pidfile: give --pidfile FILE");
	for (int i = 0; i < o->n; i++) {
		if (o->t[i].group && o->wait)
			usage_error("--wait: cannot wait for %s; name its processes", o->t[i].label);
		if (o->t[i].group && o->queued)
			usage_error("--value: sigqueue(3) signals one process, not %s", o->t[i].label);
	}
}

/* Options and targets (or -L's SIGs) into o, with its defaults, checked. */
static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .sig = SIGTERM, .timeout = NO_TIMEOUT };
	o->t = xcalloc((size_t)argc, sizeof *o->t);
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1)
		parse_option(o, c, argc, argv);
	o->sigs = argv + optind;
	o->nsigs = argc - optind;
	if (o->listing)
		return;
	for (int i = optind; i < argc; i++) {
		struct target *t = &o->t[o->n++];

		if (!isdigit((unsigned char)argv[i][0]) && sig_parse(argv[i]) > 0)
			usage_error("'%s' is not a process ID; a step is written --escalate DURATION:%s",
				    argv[i], argv[i]);
		t->pid = arg_pid(NULL, argv[i]);
		snprintf(t->label, sizeof t->label, "process %s", argv[i]);
	}
	check(o);
}

int main(int argc, char **argv)
{
	struct opts o;
	int status;

	tool_init("sigsend");
	parse(argc, argv, &o);
	if (o.listing) {
		free(o.t);
		need_std(STDOUT_FILENO);
		sig_list(o.sigs, o.nsigs);
		return 0;
	}
	if (o.wait_exist)
		await_pidfiles(&o);
	status = pin_all(&o);
	if (send_all(&o) != 0)
		status = EXIT_FAIL;
	if (o.wait) {
		int w = wait_all(&o);
		if (status == 0)
			status = w;
	}
	free(o.t);
	return status;
}
