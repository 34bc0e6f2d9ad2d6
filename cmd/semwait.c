/* SPDX-License-Identifier: ISC */
/* semwait: take permits of a semaphore, or hold them while a command runs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "await.h"
#include "deadline.h"
#include "diag.h"
#include "exec.h"
#include "ipcname.h"
#include "opterr.h"
#include "parse.h"
#include "sem.h"
#include "signame.h"
#include "supervise.h"
#include "tool.h"

static const char usage[] =
	"Usage: semwait [OPTION]... TARGET [-- COMMAND [ARG]...]\n"
	"Take permits of a semaphore: wait until they are free, all at once.\n"
	"With COMMAND, hold them while it runs and give them back when it ends.\n"
	"TARGET is a POSIX semaphore NAME or /NAME, or a System V set given by\n"
	"-k KEY, -i ID or --ftok PATH[:PROJ].\n"
	"\n"
	"      --all-of N,...       System V: one permit (or -c) of each member N\n"
	"                           of the set, all in one operation (default 0)\n"
	"  -c, --count N            take N permits (default 1), all or none\n"
	"      --ftok PATH[:PROJ]   System V set with the key ftok(3) makes\n"
	"  -h, --help               display this help and exit\n"
	"  -i, --id ID              System V set by identifier\n"
	"  -k, --key KEY            System V set by key\n"
	"  -n, --nonblock           do not wait: status 124 if they are not free\n"
	"  -s, --stat               print the value (and who waits), take nothing\n"
	"  -T, --timeout DURATION   wait at most DURATION (status 124)\n"
	"  -u, --unlink             remove the semaphore afterwards\n"
	"  -V, --version            output version information and exit\n"
	"  -W, --wait-exist         wait for the semaphore to exist; -T bounds both\n"
	"                           waits together\n"
	"  -z, --zero               System V: wait until the value is 0, take nothing\n"
	"\n"
	"Without COMMAND the permits are handed over for good (the P of P/V).\n"
	"With COMMAND and System V, the kernel gives them back even if the\n"
	"command is killed (SEM_UNDO); POSIX has no undo: a holder process gives\n"
	"them back, also if semwait is killed. A signal that would kill semwait\n"
	"gives back what it took, or goes to COMMAND. The status is then\n"
	"COMMAND's: 125 if semwait failed first, 126/127 if COMMAND could not run\n"
	"or was not found.\n"
	"\n"
	"Exit status: 0 taken, 1 failed, 2 usage error, 124 not in time.\n";

static const struct option longopts[] = {
	IPCSEM_LONGOPT_ALLOF,
	{ "count", required_argument, NULL, 'c' },
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	IPC_LONGOPT_KEY,
	{ "nonblock", no_argument, NULL, 'n' },
	{ "stat", no_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "unlink", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "wait-exist", no_argument, NULL, 'W' },
	{ "zero", no_argument, NULL, 'z' },
	{ 0 }
};

static const char optstring[] = "+:c:hi:k:nsT:uVWz";

struct opts {
	struct ipcsem_args sem; /* the target, --all-of, -c */
	struct timeout timeout; /* -T */
	bool nowait, stat, unlink, zero, wait_exist;
	char **cmd;
};

/* The signals that would kill us, not ignored: caught while we wait
 * (sup_catch_stops), then held. */
static sigset_t stops;

/*
 * A stop cuts the wait. One that lands just before the wait starts would
 * cut nothing: SIGALRM every millisecond from then on (a stop too, a
 * no-op now) cuts it within one.
 */
static void start_tick(void)
{
	struct itimerval tick = { { 0, 1000 }, { 0, 1000 } };

	setitimer(ITIMER_REAL, &tick, NULL);
}

/* The tick when SIGALRM itself is no stop (inherited ignored). */
static void on_tick(int sig)
{
	(void)sig;
}

static void catch_stops(void)
{
	sig_stops(&stops);
	sup_catch_stops(&stops, start_tick);
	/* The tick must cut the wait even where SIGALRM came in ignored (as
	 * under GNU parallel): then it only ticks. */
	if (!sigismember(&stops, SIGALRM))
		sigaction(SIGALRM, &(struct sigaction){ .sa_handler = on_tick }, NULL);
}

/* Give back what we took (no undo does it for us), die of the stop. */
static noreturn void stop(struct ipcsem *s, const struct opts *o, bool taken)
{
	setitimer(ITIMER_REAL, &(struct itimerval){ 0 }, NULL);
	if (taken)
		ipcsem_give(s, &o->sem.members, (unsigned)o->sem.count);
	sup_exit_as(sup_stop); /* a wait status of "killed by sup_stop" */
}

/*
 * Take the permits (or wait for zero); exits on timeout. A stop, even
 * one that came after they were taken, gives them back: status 128+N
 * always means nothing was taken.
 */
static void take(struct ipcsem *s, const struct opts *o, bool undo)
{
	struct deadline d;
	int r = SEMOP_INTR;

	deadline_start(&d, o->timeout.ns);
	while (r == SEMOP_INTR && !sup_stop)
		r = o->zero ? ipcsem_zero(s, &o->sem.members, &d, o->nowait)
			    : ipcsem_take(s, &o->sem.members, (unsigned)o->sem.count, &d,
					  o->nowait, undo);
	if (sup_stop) /* with undo, our death gives them back */
		stop(s, o, r == SEMOP_OK && !o->zero && !undo);
	const char *what = o->zero ? "the value is not 0" : "not enough permits free";
	if (r == SEMOP_AGAIN)
		die(EXIT_TIMEOUT, "%s: %s", s->label, what);
	if (r == SEMOP_TIMEOUT)
		die(EXIT_TIMEOUT, "%s: %s within %s", s->label, what, timeout_str(&o->timeout));
}

/*
 * Permits taken for a command: from here stops stay pending, for the
 * command (exec_command sets them back to default) or for the parent to
 * pass on. One that came while we took them stops us now.
 */
static void hold_stops(struct ipcsem *s, const struct opts *o)
{
	sigprocmask(SIG_BLOCK, &stops, NULL);
	if (sup_stop)
		stop(s, o, s->kind == IPC_POSIX);
}

/*
 * POSIX has no undo, so a holder gives the permits back: a child in a
 * process group of its own, every signal blocked, reading a pipe whose
 * write end we and COMMAND hold. It posts on one byte (COMMAND ended) or
 * at the end of file: we and COMMAND are both gone, however we died
 * (COMMAND gets SIGKILL if we are killed). It records itself in the
 * semaphore's file first, so if it is killed too, semwait -s shows the
 * permits lost and sempost --recover gives them back. Returns the write
 * end, which COMMAND inherits.
 */
static int start_holder(struct ipcsem *s, const struct opts *o, pid_t *pid)
{
	struct semrec_claim rec;
	int p[2];
	char c;

	if (pipe(p) < 0 || (*pid = fork()) < 0) {
		warn("cannot start the holder of the permits:");
		ipcsem_give(s, &o->sem.members, (unsigned)o->sem.count);
		exit(EXIT_CANNOT);
	}
	if (*pid > 0) {
		close(p[0]);
		return p[1];
	}
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setpgid(0, 0); /* a kill of our group, or ^C, is not for it */
	close(p[1]);
	int null = open("/dev/null", O_RDWR); /* hold no one's pipe open */
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	ipcsem_record(s, (unsigned)o->sem.count, &rec);
	while (read(p[0], &c, 1) < 0 && errno == EINTR)
		continue;
	ipcsem_give_recorded(s, (unsigned)o->sem.count, &rec);
	_exit(0);
}

/*
 * POSIX: stay the parent. Pass every stop on to the command; when it
 * ends, have the holder give the permits back and end as it did.
 */
static noreturn void run_posix(struct ipcsem *s, const struct opts *o)
{
	struct supervisor sup;
	pid_t holder;
	int fd = start_holder(s, o, &holder);
	int ws = -1;

	if (sup_init(&sup, SUP_ALL_SIGNALS | SUP_ORPHAN_KILL) < 0)
		warn("cannot hold the signals for the command:");
	else if ((ws = sup_run(&sup, o->cmd)) < 0)
		warn("%s: cannot fork:", o->cmd[0]);
	if (write(fd, "", 1) < 0 && errno != EPIPE) /* EPIPE: it was killed */
		warn("cannot tell the holder to give the permits back:");
	close(fd);
	int hs = 0;
	while (waitpid(holder, &hs, 0) < 0 && errno == EINTR)
		continue;
	if (WIFSIGNALED(hs))
		warn("%s: the holder of the permits was killed; what it had not given back shows in 'semwait -s %s', and 'sempost --recover %s' gives it back",
		     s->label, s->name, s->name);
	if (ws < 0)
		exit(EXIT_CANNOT);
	sup_exit_as(ws);
}

/* Check what the options say together, once the target's kind is known. */
static void check(struct opts *o)
{
	ipc_target_require(&o->sem.t);
	if (o->sem.t.kind == IPC_POSIX && o->zero)
		usage_error("--zero is for System V sets; a POSIX semaphore is one value");
	ipcsem_args_check(&o->sem);
	if (o->stat && (o->zero || o->cmd))
		usage_error("--stat takes nothing; it goes with neither --zero nor a COMMAND");
	if (o->zero && o->sem.count_arg)
		usage_error("--zero takes nothing; it goes without --count");
	if (o->zero && o->cmd)
		usage_error("--zero waits for zero; a COMMAND needs permits taken");
	if (o->unlink && o->cmd)
		usage_error("--unlink with a COMMAND would remove the semaphore others wait on");
}

/* The options, the target and the COMMAND into o, with its defaults, checked. */
static void parse(int argc, char **argv, struct opts *o)
{
	int opt;

	*o = (struct opts){ .timeout = NO_TIMEOUT };
	ipcsem_args_init(&o->sem);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (ipcsem_args_option(&o->sem, opt, optarg))
			continue;
		switch (opt) {
		case 'h': print_usage(usage);
		case 'n': o->nowait = true; break;
		case 's': o->stat = true; break;
		case 'T':
			o->timeout = arg_timeout("--timeout", optarg);
			break;
		case 'u': o->unlink = true; break;
		case 'V': print_version();
		case 'W': o->wait_exist = true; break;
		case 'z': o->zero = true; break;
		default: usage_bad_option(argc, argv, optstring, opt);
		}
	}
	if (o->sem.t.kind == IPC_NONE && optind < argc && strcmp(argv[optind], "--") != 0)
		ipc_target_name(&o->sem.t, argv[optind++]);
	/* getopt_long has eaten a "--" that came right after the options. */
	bool dashes = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
	if (optind < argc && strcmp(argv[optind], "--") == 0) {
		optind++;
		dashes = true;
	}
	if (optind < argc && !dashes)
		usage_error("extra operand '%s' (a COMMAND comes after --)", argv[optind]);
	if (dashes && optind == argc && o->sem.t.kind != IPC_NONE)
		usage_error("no COMMAND after --");
	if (optind < argc)
		o->cmd = argv + optind;
	check(o);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct ipcsem s;

	tool_init("semwait");
	parse(argc, argv, &o);
	if (o.stat)
		need_std(STDOUT_FILENO);
	if (o.cmd)
		die_fail_status = EXIT_CANNOT;

	if (o.wait_exist) {
		int64_t t0 = now_ns();

		await_target_or_die(&o.sem.t, AWAIT_SEM, &o.timeout);
		timeout_spend(&o.timeout, t0); /* -T is for both waits together */
	}
	ipcsem_open(&s, &o.sem.t, NULL);
	if (o.stat) {
		ipcsem_stat(&s, &o.sem.members);
	} else {
		catch_stops();
		take(&s, &o, o.cmd && s.kind == IPC_SYSV);
	}
	if (o.unlink)
		ipcsem_remove(&s);
	if (!o.cmd)
		return 0;
	hold_stops(&s, &o);
	if (s.kind == IPC_POSIX)
		run_posix(&s, &o);
	/* SEM_UNDO stays with this process through execve: kernel-kept. */
	fflush(NULL);
	exec_command(o.cmd);
}
