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
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "pidfile.h"
#include "signame.h"
#include "tool.h"

static const char usage[] =
"Usage: sigrecv [OPTION]... SIG...\n"
"Wait for any of the signals SIG and print one line for each one received:\n"
"  NAME pid=PID uid=UID value=N\n"
"NAME as sigsend -l gives it; value= only for a queued signal (sigqueue(3),\n"
"sigsend -q); pid=0 uid=0 for one the kernel sent. Signals not listed keep\n"
"their default action.\n"
"\n"
"  -c, --count N               exit after N signals (default 1)\n"
"  -f, --follow                go on until killed by a signal not in the list\n"
"  -h, --help                  print this help and exit\n"
"  -p, --pidfile FILE          once the signals are blocked, write the PID to\n"
"                              FILE atomically; removed at exit\n"
"  -T, --timeout DURATION      give up after DURATION (status 124 if fewer than\n"
"                              N signals came; with -f, if none came)\n"
"  -V, --version               print the version and exit\n"
"\n"
"SIG is a name (USR1, SIGUSR1, usr1), a number, RTMIN+N or RTMAX-N.\n"
"DURATION is a number with an optional unit ms, s (default), m or h.\n";

static const struct option longopts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "follow", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "pidfile", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

static const char *pidfile;

/* The pidfile names this process only while it runs. */
static void remove_pidfile(void)
{
	if (pidfile)
		unlink(pidfile);
}

/* One line per signal, written at once: a reader is waiting on it. */
static void print(const siginfo_t *si)
{
	char name[SIG_NAME_MAX], line[128];
	int n;

	sig_name(si->si_signo, name);
	n = snprintf(line, sizeof line, "%s pid=%ld uid=%lu", name,
		     (long)si->si_pid, (unsigned long)si->si_uid);
	if (si->si_code == SI_QUEUE)
		n += snprintf(line + n, sizeof line - (size_t)n, " value=%d",
			      si->si_value.sival_int);
	line[n++] = '\n';
	if (write_all(STDOUT_FILENO, line, (size_t)n) < 0)
		die_stdout();
}

static const char optstring[] = ":c:fhp:T:V";

int main(int argc, char **argv)
{
	uint64_t count = 1, got = 0;
	bool follow = false, counted = false;
	int64_t timeout = -1;
	const char *tstr = NULL;
	struct deadline dl;
	sigset_t set;
	int c;

	tool_init("sigrecv");
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			count = arg_u64("--count", optarg, 1, UINT64_MAX);
			counted = true;
			break;
		case 'f': follow = true; break;
		case 'h': print_usage(usage);
		case 'p': pidfile = optarg; break;
		case 'T':
			timeout = arg_duration("--timeout", optarg);
			tstr = optarg;
			break;
		case 'V': print_version();
		default:
			usage_bad_option(argc, argv, optstring, c);
		}
	}
	if (follow && counted)
		usage_error("--count and --follow exclude each other");
	if (optind == argc)
		usage_error("no signal given: name one or more, e.g. USR1");
	sigemptyset(&set);
	for (int i = optind; i < argc; i++) {
		int sig = arg_signal(NULL, argv[i], 1);

		if (sig == SIGKILL || sig == SIGSTOP)
			usage_error("'%s': %s cannot be caught, blocked or waited for",
				    argv[i], sig == SIGKILL ? "KILL" : "STOP");
		sigaddset(&set, sig);
	}

	need_std(STDOUT_FILENO);
	/*
	 * Block first, then restore the default action: a signal ignored by
	 * our parent (SIG_IGN survives exec) would be discarded, not queued.
	 * Only then say we are ready.
	 */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die(EXIT_FAIL, "cannot block the signals:");
	for (int sig = 1; sig <= SIGRTMAX; sig++)
		if (sigismember(&set, sig) == 1)
			signal(sig, SIG_DFL);
	if (pidfile) {
		if (pidfile_write(pidfile, getpid()) < 0)
			die(EXIT_FAIL, "%s: cannot write pidfile:", pidfile);
		atexit(remove_pidfile);
	}

	deadline_start(&dl, timeout);
	while (follow || got < count) {
		siginfo_t si;
		int r;

		if (timeout >= 0) {
			int64_t left = deadline_left(&dl);
			struct timespec ts = { .tv_sec = left / NS_PER_SEC,
					       .tv_nsec = left % NS_PER_SEC };
			r = sigtimedwait(&set, &si, &ts);
		} else {
			r = sigwaitinfo(&set, &si);
		}
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(EXIT_FAIL, "cannot wait for a signal:");
		print(&si);
		got++;
	}
	if (got == 0 || (!follow && got < count)) {
		if (follow || count == 1)
			warn("no signal within %s", tstr);
		else
			warn("%" PRIu64 " of %" PRIu64 " signals within %s", got, count, tstr);
		return EXIT_TIMEOUT;
	}
	return 0;
}
