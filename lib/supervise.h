/* SPDX-License-Identifier: ISC */
/*
 * Supervising commands run as children: each in a process group of its
 * own, so a signal reaches what it starts too. INT, TERM and HUP that
 * reach the tool are passed on to every group; they and SIGCHLD arrive
 * through one descriptor, which poll(2) waits on with everything else the
 * tool waits for. A child also gets SIGKILL if the tool dies without
 * passing anything on (SIGKILL, a crash): no command is left behind.
 */
#ifndef IPCUTILS_SUPERVISE_H
#define IPCUTILS_SUPERVISE_H

#include <stdbool.h>
#include <sys/types.h>

#define SUP_MAX 4

struct supervisor {
	int fd;              /* signalfd: readable when a signal is pending */
	int n;               /* children started */
	int running;         /* children not yet reaped */
	pid_t pid[SUP_MAX];  /* also the child's process group */
	bool done[SUP_MAX];
	int status[SUP_MAX]; /* as a shell reports it (128+N for signal N) */
	int wstatus[SUP_MAX]; /* as wait(2) gave it */
	int forwarded;       /* the last signal passed on, 0 if none */
};

/* Block the signals and open the descriptor; exits 125 on failure. */
void sup_init(struct supervisor *s);

/*
 * fork(2) a child in a new process group, child s->n. Returns 0 in the
 * child (its signals still blocked: exec_command unblocks them), its
 * PID in the parent, as fork does. Exits 125 if it cannot fork.
 */
pid_t sup_fork(struct supervisor *s);

/*
 * Act on what is pending: pass INT, TERM and HUP on to every group, and
 * reap children that ended. Returns the number reaped.
 */
int sup_handle(struct supervisor *s);

/* Send sig to child i's process group (what is left of it). */
void sup_signal(const struct supervisor *s, int i, int sig);

#endif
