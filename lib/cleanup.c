/* SPDX-License-Identifier: ISC */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "diag.h"
#include "ksig.h"
#include "signame.h"

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

/*
 * Actions are set with the system calls (ksig.h), for the signals the C
 * library keeps too; their handlers borrow the restorer the C library
 * gave one of the others (x86-64 needs one).
 */
noreturn void cleanup_die_of(int sig)
{
	struct ksigaction dfl = { .handler = NULL };
	uint64_t bit = KBIT(sig);

	kaction(sig, &dfl, NULL);
	kmask(SIG_UNBLOCK, &bit, NULL);
	syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), sig);
	_exit(128 + sig); /* not reached: the signal is delivered on return */
}

/* A fault the process raised itself (not one sent by kill): its memory may
 * be what is broken, so nothing more is done in it. */
static bool own_fault(int sig, const siginfo_t *si)
{
	return si->si_code > 0 && sig_fault(sig);
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!own_fault(sig, si)) {
		in_signal = 1;
		cleanup_run();
	}
	cleanup_die_of(sig);
}

void cleanup_on_signals(void)
{
	uint64_t blocked = 0;
	struct ksigaction tmpl = { 0 };
	bool have_tmpl = false;

	kmask(SIG_BLOCK, NULL, &blocked);
	for (int sig = 1; sig <= 64; sig++) {
		struct ksigaction old, ks;
		struct sigaction sa = { .sa_sigaction = on_fatal, .sa_flags = SA_SIGINFO };

		if (!sig_ends_process(sig) || (blocked & KBIT(sig)))
			continue;
		if (kaction(sig, NULL, &old) < 0 || old.handler != NULL)
			continue;
		sigfillset(&sa.sa_mask);
		if (sigaction(sig, &sa, NULL) == 0) {
			if (!have_tmpl)
				have_tmpl = kaction(sig, NULL, &tmpl) == 0;
			continue;
		}
		/* One the C library keeps: set by the system call, as it would. */
		if (!have_tmpl)
			continue;
		ks = tmpl;
		ks.mask = ~(uint64_t)0;
		kaction(sig, &ks, NULL);
	}
}

void cleanup_unlink(void *path)
{
	unlink(path);
}
