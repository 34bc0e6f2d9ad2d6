/* SPDX-License-Identifier: ISC */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "diag.h"

#define MAX_ACTIONS 16

static struct {
	void (*fn)(void *);
	void *arg;
} actions[MAX_ACTIONS];
static volatile sig_atomic_t running, in_signal;

static void run_at_exit(void)
{
	cleanup_run();
}

int cleanup_push(void (*fn)(void *), void *arg)
{
	static bool registered;

	if (!registered) {
		atexit(run_at_exit);
		registered = true;
	}
	for (int i = 0; i < MAX_ACTIONS; i++)
		if (!actions[i].fn) {
			actions[i].arg = arg;
			actions[i].fn = fn;
			return i;
		}
	die(EXIT_FAIL, "too many cleanup actions"); /* a bug, not a user error */
}

void cleanup_pop(int handle, bool run)
{
	if (handle < 0)
		return;
	void (*fn)(void *) = actions[handle].fn;

	actions[handle].fn = NULL;
	if (run && fn)
		fn(actions[handle].arg);
}

void cleanup_run(void)
{
	if (running)
		return;
	running = 1;
	for (int i = MAX_ACTIONS - 1; i >= 0; i--)
		cleanup_pop(i, true);
	running = 0;
}

bool cleanup_in_signal(void)
{
	return in_signal;
}

static void on_fatal(int sig)
{
	in_signal = 1;
	cleanup_run();
	signal(sig, SIG_DFL);
	raise(sig); /* blocked while this handler runs: delivered on return */
}

/* Signals whose default action is to end the process without a core
 * file (those with a core are faults: cleaning up there is not safe). */
static bool ends_process(int sig)
{
	switch (sig) {
	case SIGHUP: case SIGINT: case SIGPIPE: case SIGALRM: case SIGTERM:
	case SIGUSR1: case SIGUSR2: case SIGPOLL: case SIGPROF: case SIGVTALRM:
	case SIGSTKFLT: case SIGPWR: case SIGQUIT:
		return true;
	default:
		return sig >= SIGRTMIN && sig <= SIGRTMAX;
	}
}

void cleanup_on_signals(void)
{
	sigset_t blocked;

	sigprocmask(SIG_BLOCK, NULL, &blocked);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction old, sa = { .sa_handler = on_fatal };
		if (!ends_process(sig) || sigismember(&blocked, sig) == 1)
			continue;
		if (sigaction(sig, NULL, &old) < 0 || old.sa_handler != SIG_DFL ||
		    (old.sa_flags & SA_SIGINFO))
			continue;
		sigfillset(&sa.sa_mask);
		sigaction(sig, &sa, NULL);
	}
}

void cleanup_unlink(void *path)
{
	unlink(path);
}
