/* SPDX-License-Identifier: ISC */
/* sigrecv: wait for signals and print who sent them and what they carried. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "opterr.h"
#include "outq.h"
#include "parse.h"
#include "pidfile.h"
#include "signame.h"
#include "tool.h"

static const char usage[] =
"Usage: sigrecv [OPTION]... SIG...\n"
"Wait for any of the signals SIG and print one line for each one received:\n"
"  NAME pid=PID uid=UID value=N\n"
"NAME as sigsend -L gives it; value= only for a queued signal (sigqueue(3),\n"
"sigsend -q); pid=0 uid=0 for one the kernel sent. Signals not listed keep\n"
"their default action.\n"
"\n"
"  -c, --count N            exit after N signals (default 1)\n"
"  -f, --follow             go on until killed by a signal not in the list\n"
"      --pidfile FILE       once the signals are blocked, write the PID to\n"
"                           FILE atomically; removed at exit\n"
"  -T, --timeout DURATION   give up after DURATION (status 124 if fewer than\n"
"                           N signals came; with -f, if none came)\n"
"  -v, --verbose            end each line with code=WHO: user (kill),\n"
"                           queue (sigqueue), kernel, timer, mesgq, tkill\n"
"  -h, --help               display this help and exit\n"
"  -V, --version            output version information and exit\n"
"\n"
"SIG is a name (USR1, SIGUSR1, usr1), a number, RTMIN+N or RTMAX-N.\n"
"DURATION is a number with an optional unit ms, s (default), m or h.\n"
"\n"
"Exit status: 0 received, 1 failed, 2 usage error, 124 not all in time.\n";

/* Long-only: a letter means one thing in the whole suite (ipcutils(7)). */
enum { OPT_PIDFILE = 0x100 };

static const struct option longopts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "follow", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "timeout", required_argument, NULL, 'T' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

struct opts {
	uint64_t count;
	bool follow, counted, verbose;
	struct timeout timeout;    /* -T */
	const char *pidfile;
	uint64_t set;              /* the signals waited for, a kset */
};

/* Who made the signal, from si_code, as the code= field says it. */
static const char *code_name(int code)
{
	switch (code) {
	case SI_USER: return "user";       /* kill(2) */
	case SI_QUEUE: return "queue";     /* sigqueue(3) */
	case SI_TIMER: return "timer";     /* a POSIX timer */
	case SI_MESGQ: return "mesgq";     /* mq_notify(3) */
	case SI_ASYNCIO: return "asyncio";
	case SI_SIGIO: return "sigio";
	case SI_TKILL: return "tkill";     /* tgkill(2), raise(3) */
	default: return "kernel";          /* SI_KERNEL, and faults, children, ... */
	}
}

/* Standard output, and the last line written to it (for a message). */
static struct outq out;
static char last[128];

/* While waiting, look for a reader that left this often. */
#define TICK_NS (250 * 1000000LL)

/* The reader has gone: say so, naming the last signal if it was unread. */
static noreturn void reader_gone(void)
{
	long unread = outq_wait(&out);

	if (unread > 0 && last[0])
		die(EXIT_FAIL, "signal %s lost: the reader left before reading it (%s unread)",
		    last, fmt_bytes((uint64_t)unread));
	errno = EPIPE;
	die_stdout();
}

/* One line per signal, written at once: a reader is waiting on it. */
static void print(const siginfo_t *si, bool verbose)
{
	char name[SIG_NAME_MAX], line[128];
	int n;

	sig_name(si->si_signo, name);
	n = snprintf(line, sizeof line, "%s pid=%ld uid=%lu", name,
		     (long)si->si_pid, (unsigned long)si->si_uid);
	if (si->si_code == SI_QUEUE)
		n += snprintf(line + n, sizeof line - (size_t)n, " value=%d",
			      si->si_value.sival_int);
	if (verbose)
		n += snprintf(line + n, sizeof line - (size_t)n, " code=%s",
			      code_name(si->si_code));
	line[n] = '\n';
	if (write_all(STDOUT_FILENO, line, (size_t)n + 1) < 0)
		die(EXIT_FAIL, "signal %.*s lost: standard output: write error:", n, line);
	memcpy(last, line, (size_t)n);
	last[n] = '\0';
}

/*
 * Signal sets as the kernel sees them, one bit per signal 1 to 64: the C
 * library's sigaddset and sigprocmask leave out the signals it keeps for
 * itself (32 and 33 with glibc, 32 to 34 with musl), and those kill too.
 */
typedef uint64_t kset;
#define KBIT(sig) ((kset)1 << ((sig) - 1))
#define KSET_BYTES sizeof(kset)

static void kmask(int how, kset set)
{
	if (syscall(SYS_rt_sigprocmask, how, &set, NULL, KSET_BYTES) < 0)
		die(EXIT_FAIL, "cannot block the signals:");
}

/*
 * The signals that would kill us by default and so must take the pidfile
 * with them: every one that ends a process (sig_ends_process) and is not
 * ignored, except those a fault raises (they cannot wait while blocked)
 * and ABRT.
 */
static kset deadly_set(kset waited)
{
	kset set = 0;

	for (int sig = 1; sig <= 64; sig++) {
		struct sigaction sa;

		if (!sig_ends_process(sig) || sig_fault(sig) || sig == SIGABRT)
			continue;
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			continue;
		set |= KBIT(sig);
	}
	return set & ~waited;
}

/*
 * Die of sig as if we had not caught it, the pidfile removed first. Not
 * lib/cleanup's cleanup_on_signals: those signals are blocked here and
 * taken by sigtimedwait, 32 to 34 among them, which the C library's
 * sigaction cannot catch; the removal itself is cleanup's action.
 */
static noreturn void die_of(int sig)
{
	cleanup_run();
	cleanup_die_of(sig);
}

/*
 * Wait for one of set: 1, 0 at the deadline, -1 on EINTR or a tick (a
 * pipe or socket on stdout: its reader may leave while we wait).
 */
static int wait_one(kset set, siginfo_t *si, const struct deadline *dl)
{
	struct timespec ts, *tp = NULL;
	bool tick = out.kind != OUTQ_OTHER;
	int64_t left = dl->forever ? INT64_MAX : deadline_left(dl);

	if (tick && left > TICK_NS)
		left = TICK_NS;
	else
		tick = false;
	if (left != INT64_MAX) {
		ts = ns_to_timespec(left);
		tp = &ts;
	}
	if (syscall(SYS_rt_sigtimedwait, &set, si, tp, KSET_BYTES) >= 0)
		return 1;
	if (errno == EAGAIN)
		return tick ? -1 : 0;
	if (errno == EINTR)
		return -1;
	die(EXIT_FAIL, "cannot wait for a signal:");
}

/* SIG operands into a set; KILL, STOP and the C library's own refused. */
static kset waited_set(char **args, int n)
{
	kset set = 0;

	for (int i = 0; i < n; i++) {
		int sig = arg_signal(NULL, args[i], 1);

		if (sig == SIGKILL || sig == SIGSTOP)
			usage_error("'%s': %s cannot be caught, blocked or waited for",
				    args[i], sig == SIGKILL ? "KILL" : "STOP");
		if (!sig_named(sig))
			usage_error("'%s': the C library reserves signal %d for itself",
				    args[i], sig);
		set |= KBIT(sig);
	}
	return set;
}

static const char optstring[] = ":c:fhT:Vv";

/* Options and the signals to wait for into o, with its defaults, checked. */
static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .count = 1, .timeout = NO_TIMEOUT };
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->count = arg_u64("--count", optarg, 1, UINT64_MAX);
			o->counted = true;
			break;
		case 'f': o->follow = true; break;
		case 'h': print_usage(usage);
		case OPT_PIDFILE: o->pidfile = optarg; break;
		case 'T':
			o->timeout = arg_timeout("--timeout", optarg);
			break;
		case 'V': print_version();
		case 'v': o->verbose = true; break;
		default:
			usage_bad_option(argc, argv, optstring, c);
		}
	}
	if (o->follow && o->counted)
		usage_error("--count and --follow exclude each other");
	if (optind == argc)
		usage_error("no signal given: name one or more, e.g. USR1");
	o->set = waited_set(argv + optind, argc - optind);
}

/*
 * Block first, then restore the default action: a signal ignored by our
 * parent (SIG_IGN survives exec) would be discarded, not queued. With a
 * pidfile, the signals that would kill us are blocked too and waited for,
 * so the pidfile goes before we die of them. Only then say we are ready.
 * Returns those deadly signals.
 */
static kset setup(const struct opts *o, kset set)
{
	kset deadly = 0;

	if (o->pidfile)
		deadly = deadly_set(set);
	kmask(SIG_BLOCK, set | deadly);
	for (int sig = 1; sig <= 64; sig++)
		if (set & KBIT(sig))
			signal(sig, SIG_DFL);
	if (o->pidfile) {
		static struct pidfile pf;

		if (pidfile_write(&pf, o->pidfile, getpid()) < 0)
			die(EXIT_FAIL, "%s: cannot write pidfile:", o->pidfile);
		/* The pidfile names this process only while it runs; another
		 * sigrecv's pidfile written over it since is left alone. */
		cleanup_push(pidfile_remove, &pf);
	}
	return deadly;
}

/* Print the signals of set as they come; returns how many came in time. */
static uint64_t receive(const struct opts *o, kset set, kset deadly)
{
	struct deadline dl;
	uint64_t got = 0;

	deadline_start(&dl, o->timeout.ns);
	while (o->follow || got < o->count) {
		siginfo_t si;
		int r;

		if (outq_gone(&out)) /* before taking a signal it cannot write */
			reader_gone();
		r = wait_one(set | deadly, &si, &dl);
		if (r == 0)
			break;
		if (r < 0)
			continue;
		if (deadly & KBIT(si.si_signo))
			die_of(si.si_signo);
		print(&si, o->verbose);
		got++;
	}
	return got;
}

int main(int argc, char **argv)
{
	struct opts o;
	kset deadly;
	uint64_t got;

	tool_init("sigrecv");
	parse(argc, argv, &o);
	need_std(STDOUT_FILENO);
	outq_init(&out, STDOUT_FILENO);
	deadly = setup(&o, o.set);
	got = receive(&o, o.set, deadly);
	if (got == 0 || (!o.follow && got < o.count)) {
		if (o.follow || o.count == 1)
			warn("no signal within %s", timeout_str(&o.timeout));
		else
			warn("%" PRIu64 " of %" PRIu64 " signals within %s", got, o.count,
			     timeout_str(&o.timeout));
		return EXIT_TIMEOUT;
	}
	return 0;
}
