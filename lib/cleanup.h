/* SPDX-License-Identifier: ISC */
/*
 * Cleanup: what a tool made and must remove if it does not finish (a
 * temporary object, a half-made FIFO, a pidfile). Registered actions run
 * once, at exit (die() included) or on a fatal signal, after which the
 * tool dies of that same signal, so its parent sees what happened.
 */
#ifndef IPCUTILS_CLEANUP_H
#define IPCUTILS_CLEANUP_H

#include <stdbool.h>
#include <stdnoreturn.h>

/*
 * Register fn(arg); returns a handle for cleanup_pop. fn runs in a signal
 * handler too, so it may only make async-signal-safe calls (unlink,
 * shm_unlink, mq_unlink, shmctl, close, kill). At most 16 at once.
 */
int cleanup_push(void (*fn)(void *), void *arg);
/* Forget the action (the thing was handed over), running it first if run.
 * A handle of -1 (nothing was pushed) is ignored. */
void cleanup_pop(int handle, bool run);
/* True while the actions run for a fatal signal: an action that reports
 * what it could not do at exit keeps quiet then (stdio is not safe). */
bool cleanup_in_signal(void);
/* Run every registered action now, newest first, and forget them. */
void cleanup_run(void);

/*
 * Catch every signal whose default action ends the process (HUP, INT,
 * QUIT, TERM, ALRM, USR1, USR2, XCPU, XFSZ, ABRT, SYS, the real-time ones
 * and 32 to 34, which the C library keeps for itself, ...), unless it is
 * ignored, already handled, or blocked by the caller to wait for it: run
 * the actions, then die of the signal. A fault the process raised itself
 * (SEGV, BUS, FPE, ILL, TRAP, SYS with a kernel si_code) runs no action:
 * its memory may be what is broken. Called once, after tool_init and
 * after the tool has set up the signals it handles itself.
 */
void cleanup_on_signals(void);

/*
 * Die of sig now, as if it had not been caught: its default action is
 * restored and it is unblocked and sent to this thread, by the system
 * calls, so 32 to 34 work too. Async-signal-safe.
 */
noreturn void cleanup_die_of(int sig);

/* Ready-made actions: arg is a path (kept alive by the caller). */
void cleanup_unlink(void *path);

#endif
