/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "alloc.h"
#include "cleanup.h"
#include "diag.h"
#include "exec.h"
#include "signame.h"
#include "supervise.h"

static const int passed_on[] = { SIGINT, SIGTERM, SIGHUP };

/*
 * The watcher's life: collect the process groups the children report,
 * and SIGKILL them all if the tool's end of the socket closes before it
 * said it was done (a 0). Its own group, and signals blocked, so that
 * what kills the tool's job (kill -9 %1, ^C) does not kill it too.
 */
static noreturn void watch(int fd)
{
	pid_t pid, *group = NULL;
	size_t n = 0;

	setpgid(0, 0);
#ifdef SYS_close_range
	/* Hold nothing of the tool's open: a reader of its stdout sees EOF. */
	syscall(SYS_close_range, 0U, (unsigned)fd - 1, 0U);
	syscall(SYS_close_range, (unsigned)fd + 1, ~0U, 0U);
#endif
	while (read(fd, &pid, sizeof pid) == (ssize_t)sizeof pid) {
		if (pid == 0)
			_exit(0);
		pid_t *g = realloc(group, (n + 1) * sizeof *g);
		if (g) /* else it can only kill those it knows */
			group = g, group[n++] = pid;
	}
	for (size_t i = 0; i < n; i++)
		kill(-group[i], SIGKILL);
	_exit(0);
}

/* SUP_GROUPS: start the watcher, which outlives a SIGKILL of the tool. */
static int watcher_start(struct supervisor *s)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	s->watcher = fork();
	if (s->watcher == 0) {
		close(sv[0]);
		watch(sv[1]);
	}
	close(sv[1]);
	if (s->watcher < 0) {
		close(sv[0]);
		return -1;
	}
	s->watch = sv[0];
	return 0;
}

int sup_init(struct supervisor *s, int flags)
{
	sigset_t set;

	*s = (struct supervisor){ .fd = -1, .flags = flags, .watch = -1 };
	/* blocked, an ignored one would be queued and passed on */
	if (flags & SUP_ALL_SIGNALS)
		sig_stops(&set);
	else
		sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; !(flags & SUP_CHLD_ONLY) && i < sizeof passed_on / sizeof *passed_on; i++)
		sigaddset(&set, passed_on[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0
	    || ((flags & SUP_GROUPS) && watcher_start(s) < 0)
	    || (s->fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return -1;
	return 0;
}

void sup_done(struct supervisor *s)
{
	pid_t done = 0;

	if (s->watch < 0)
		return;
	if (write(s->watch, &done, sizeof done) == (ssize_t)sizeof done)
		while (waitpid(s->watcher, NULL, 0) < 0 && errno == EINTR)
			continue;
	close(s->watch);
	s->watch = -1;
}

pid_t sup_fork(struct supervisor *s)
{
	pid_t parent = getpid();
	bool groups = s->flags & SUP_GROUPS;
	bool orphan_kill = s->flags & (SUP_GROUPS | SUP_ORPHAN_KILL);

	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (groups)
			setpgid(0, 0);
		if (orphan_kill) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent) /* it died before prctl */
				_exit(EXIT_CANNOT);
		}
		if (groups) {
			pid_t self = getpid();
			/* Before it can start anything, so nothing escapes. */
			if (write(s->watch, &self, sizeof self) < 0)
				_exit(EXIT_CANNOT);
		}
		return 0;
	}
	/* Both set it, so no signal passed on finds the group missing. */
	if (groups)
		setpgid(pid, pid);
	sup_add(s, pid);
	return pid;
}

void sup_reserve(struct supervisor *s, int n)
{
	if (n <= s->cap)
		return;
	s->pid = xreallocarray(s->pid, (size_t)n, sizeof *s->pid);
	s->done = xreallocarray(s->done, (size_t)n, sizeof *s->done);
	s->status = xreallocarray(s->status, (size_t)n, sizeof *s->status);
	s->wstatus = xreallocarray(s->wstatus, (size_t)n, sizeof *s->wstatus);
	s->cap = n;
}

int sup_add(struct supervisor *s, pid_t pid)
{
	int i = 0;

	while (i < s->n && s->pid[i] != 0)
		i++;
	if (i == s->n) {
		sup_reserve(s, s->n < s->cap ? s->cap : 2 * s->n + 2);
		s->n++;
	}
	s->status[i] = s->wstatus[i] = 0;
	s->done[i] = false;
	s->pid[i] = pid;
	s->running++;
	return i;
}

void sup_free(struct supervisor *s)
{
	free(s->pid);
	free(s->done);
	free(s->status);
	free(s->wstatus);
	s->pid = NULL;
	s->done = NULL;
	s->status = s->wstatus = NULL;
	s->n = s->cap = 0;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

void sup_forget(struct supervisor *s, int i)
{
	s->pid[i] = 0;
}

void sup_signal(const struct supervisor *s, int i, int sig)
{
	if (s->pid[i] == 0) /* a free slot: kill(0) would be our own group */
		return;
	if (!(s->flags & SUP_GROUPS)) {
		if (!s->done[i]) /* reaped, its PID may be another's */
			kill(s->pid[i], sig);
	} else if (kill(-s->pid[i], sig) < 0 && !s->done[i])
		kill(s->pid[i], sig); /* it left its group */
}

static int reap(struct supervisor *s)
{
	int reaped = 0;

	for (int i = 0; i < s->n; i++) {
		int ws;
		if (s->done[i] || s->pid[i] == 0 || waitpid(s->pid[i], &ws, WNOHANG) <= 0)
			continue;
		s->done[i] = true;
		s->wstatus[i] = ws;
		s->status[i] = exit_status_of(ws);
		s->running--;
		reaped++;
	}
	return reaped;
}

int sup_handle(struct supervisor *s)
{
	struct signalfd_siginfo si;

	while (read(s->fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		s->forwarded = (int)si.ssi_signo;
		for (int i = 0; i < s->n; i++)
			sup_signal(s, i, s->forwarded);
	}
	return reap(s);
}

int sup_run(struct supervisor *s, char *const argv[])
{
	fflush(NULL);
	pid_t pid = sup_fork(s);
	if (pid < 0)
		return -1;
	if (pid == 0)
		exec_command(argv);
	die_fail_status = EXIT_FAIL; /* the command runs: 125 would be a lie */
	int i = 0;
	while (s->pid[i] != pid)
		i++;
	while (!s->done[i]) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			die(EXIT_FAIL, "%s: cannot wait for it:", argv[0]);
		sup_handle(s);
	}
	return s->wstatus[i];
}

volatile sig_atomic_t sup_stop;
static void (*on_first_stop)(void);

static void on_stop(int sig)
{
	if (sup_stop)
		return;
	sup_stop = sig;
	if (on_first_stop)
		on_first_stop();
}

void sup_catch_stops(const sigset_t *set, void (*first)(void))
{
	struct sigaction sa = { .sa_handler = on_stop };
	sigset_t mask;

	on_first_stop = first;
	sigfillset(&sa.sa_mask);
	sigprocmask(SIG_BLOCK, set, &mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(set, sig) == 1)
			sigaction(sig, &sa, NULL);
	sigprocmask(SIG_SETMASK, &mask, NULL);
}

void sup_exit_as(int wstatus)
{
	if (WIFSIGNALED(wstatus)) {
		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
		cleanup_die_of(WTERMSIG(wstatus));
	}
	exit(exit_status_of(wstatus));
}
