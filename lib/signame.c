/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "parse.h"
#include "signame.h"

/* The classic signals under the numbers this system gives them. */
static const struct { int sig; const char *name; } table[] = {
	{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" },
	{ SIGILL, "ILL" }, { SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" },
	{ SIGBUS, "BUS" }, { SIGFPE, "FPE" }, { SIGKILL, "KILL" },
	{ SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" },
#ifdef SIGSTKFLT
	{ SIGSTKFLT, "STKFLT" },
#endif
	{ SIGCHLD, "CHLD" }, { SIGCONT, "CONT" }, { SIGSTOP, "STOP" },
	{ SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" }, { SIGTTOU, "TTOU" },
	{ SIGURG, "URG" }, { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
	{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" },
	{ SIGIO, "IO" },
#ifdef SIGPWR
	{ SIGPWR, "PWR" },
#endif
	{ SIGSYS, "SYS" },
};

/* Other names for the same signals, accepted but never printed. */
static const struct { int sig; const char *name; } aliases[] = {
	{ SIGABRT, "IOT" }, { SIGCHLD, "CLD" }, { SIGIO, "POLL" },
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* Half of the real-time range counts up from RTMIN, the rest down from RTMAX. */
static int rt_split(void)
{
	return SIGRTMIN + (SIGRTMAX - SIGRTMIN) / 2;
}

bool sig_named(int sig)
{
	for (size_t i = 0; i < COUNT(table); i++)
		if (table[i].sig == sig)
			return true;
	return sig >= SIGRTMIN && sig <= SIGRTMAX;
}

const char *sig_name(int sig, char buf[SIG_NAME_MAX])
{
	for (size_t i = 0; i < COUNT(table); i++)
		if (table[i].sig == sig)
			return strcpy(buf, table[i].name);
	if (sig == SIGRTMIN)
		snprintf(buf, SIG_NAME_MAX, "RTMIN");
	else if (sig == SIGRTMAX)
		snprintf(buf, SIG_NAME_MAX, "RTMAX");
	else if (sig > SIGRTMIN && sig <= rt_split())
		snprintf(buf, SIG_NAME_MAX, "RTMIN+%d", sig - SIGRTMIN);
	else if (sig > rt_split() && sig < SIGRTMAX)
		snprintf(buf, SIG_NAME_MAX, "RTMAX-%d", SIGRTMAX - sig);
	else
		snprintf(buf, SIG_NAME_MAX, "%d", sig);
	return buf;
}

/* RTMIN, RTMIN+N, RTMAX, RTMAX-N (s without SIG); 0 if s is none of them. */
static int parse_rt(const char *s)
{
	int base, dir;
	uint64_t n = 0;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		dir = 1;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		dir = -1;
	} else {
		return 0;
	}
	s += 5;
	if (*s != '\0') {
		if (*s != (dir > 0 ? '+' : '-'))
			return 0;
		if (s[1] == '\0' || strspn(s + 1, "0123456789") != strlen(s + 1))
			return 0;
		if (parse_u64(s + 1, 0, UINT64_MAX, &n) < 0)
			n = UINT64_MAX; /* all digits: only too large */
	}
	if (n > (uint64_t)(SIGRTMAX - SIGRTMIN)) {
		errno = ERANGE;
		return -1;
	}
	return base + dir * (int)n;
}

bool sig_ends_process(int sig)
{
	switch (sig) {
	case SIGKILL: case SIGSTOP: case SIGCHLD: case SIGCONT: case SIGURG:
	case SIGWINCH: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return false;
	default:
		return sig >= 1 && sig <= 64;
	}
}

bool sig_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL
	       || sig == SIGTRAP || sig == SIGSYS;
}

bool sig_kills(int sig)
{
	return sig_ends_process(sig) && !sig_fault(sig) && sig_named(sig);
}

void sig_stops(sigset_t *set)
{
	sigemptyset(set);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sig_kills(sig) && sigaction(sig, NULL, &sa) == 0
		    && sa.sa_handler != SIG_IGN)
			sigaddset(set, sig);
	}
}

int sig_parse(const char *s)
{
	uint64_t n;
	int sig;

	if (*s >= '0' && *s <= '9') {
		/* Decimal only, as bash and procps kill: 0x9 is no signal. */
		if (strspn(s, "0123456789") != strlen(s)) {
			errno = EINVAL;
			return -1;
		}
		if (parse_u64(s, 0, (uint64_t)SIGRTMAX, &n) < 0)
			return -1;
		return (int)n;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < COUNT(table); i++)
		if (strcasecmp(s, table[i].name) == 0)
			return table[i].sig;
	for (size_t i = 0; i < COUNT(aliases); i++)
		if (strcasecmp(s, aliases[i].name) == 0)
			return aliases[i].sig;
	sig = parse_rt(s);
	if (sig != 0)
		return sig;
	errno = EINVAL;
	return -1;
}

int arg_signal(const char *opt, const char *s, int min)
{
	const char *sep = opt ? ": " : "";
	int sig = sig_parse(s);

	if (sig < 0 && errno == EINVAL)
		usage_error("%s%sunknown signal '%s' (a name such as TERM, a number, "
			    "RTMIN+N or RTMAX-N)", opt ? opt : "", sep, s);
	if (sig < min)
		usage_error("%s%ssignal '%s' is out of range (%d to %d)",
			    opt ? opt : "", sep, s, min, SIGRTMAX);
	return sig;
}

void sig_list(char **args, int n)
{
	char name[SIG_NAME_MAX];

	if (n == 0)
		for (int sig = 1; sig <= SIGRTMAX; sig++)
			if (sig_named(sig))
				printf("%d %s\n", sig, sig_name(sig, name));
	for (int i = 0; i < n; i++)
		arg_signal(NULL, args[i], 0);
	for (int i = 0; i < n; i++) {
		int sig = sig_parse(args[i]);

		if (args[i][0] >= '0' && args[i][0] <= '9')
			puts(sig_name(sig, name));
		else
			printf("%d\n", sig);
	}
}
