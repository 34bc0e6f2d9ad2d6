/* SPDX-License-Identifier: ISC */
/*
 * Supervising commands run as children, any number of them, the one home
 * for it: INT, TERM and HUP that reach the tool are passed on to the
 * children; they and SIGCHLD arrive through one descriptor, which poll(2)
 * waits on with everything else the tool waits for. Blocked from
 * sup_init on, a signal that comes before a child runs is passed on once
 * it does.
 *
 * With SUP_GROUPS each child runs in a process group of its own, so a
 * signal reaches what it starts too. If the tool dies without passing
 * anything on (SIGKILL, a crash), a watcher process (started by sup_init,
 * in a group of its own) kills those groups with SIGKILL: no command, nor
 * what it started in its group, is left behind. (PR_SET_PDEATHSIG alone
 * reaches only the child itself; a subreaper dies with the tool.) What
 * leaves its group (setsid, setpgid) escapes. Without SUP_GROUPS a child
 * stays in the tool's group (the terminal's foreground one: it can read
 * the terminal, ^C reaches it) and signals go to the child alone.
 */
#ifndef IPCUTILS_SUPERVISE_H
#define IPCUTILS_SUPERVISE_H

#include <signal.h>
#include <stdbool.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/*
 * SUP_ALL_SIGNALS: pass on every signal that would kill the tool
 * (sig_kills, signame.h) and that it does not ignore, not INT, TERM and
 * HUP alone. SUP_ORPHAN_KILL: a child gets SIGKILL if the tool dies
 * without passing anything on, as with SUP_GROUPS, but stays in the
 * tool's group.
 */
enum { SUP_GROUPS = 1, SUP_ALL_SIGNALS = 2, SUP_ORPHAN_KILL = 4, SUP_CHLD_ONLY = 8 };

struct supervisor {
	int fd;              /* signalfd: readable when a signal is pending */
	int flags;           /* SUP_GROUPS or 0 */
	int n;               /* slots used: children started, less those forgotten */
	int cap;             /* slots the arrays hold */
	int running;         /* children not yet reaped */
	pid_t *pid;          /* with SUP_GROUPS also the child's process group; 0: free */
	bool *done;
	int *status;         /* as a shell reports it (128+N for signal N) */
	int *wstatus;        /* as wait(2) gave it */
	int forwarded;       /* the last signal passed on, 0 if none */
	int watch;           /* SUP_GROUPS: socket to the watcher, or -1 */
	pid_t watcher;
};

/*
 * Block the signals and open the descriptor; -1 (errno set) if it cannot.
 * SUP_CHLD_ONLY: only SIGCHLD, nothing passed on (the tool's own
 * handlers deal with the rest).
 */
int sup_init(struct supervisor *s, int flags);

/*
 * fork(2) child s->n. Returns 0 in the child (its signals still blocked:
 * exec_command unblocks them), its PID in the parent, -1 (errno set) if
 * it cannot fork, as fork does.
 */
pid_t sup_fork(struct supervisor *s);

/*
 * A child the tool started itself (exec_spawn), supervised from now on.
 * Returns its slot: the first one sup_forget freed, else a new one.
 */
int sup_add(struct supervisor *s, pid_t pid);

/* Free slot i of a child that was reaped, once its status was read. */
void sup_forget(struct supervisor *s, int i);

/*
 * Room for n children: no sup_add or sup_fork moves the arrays while
 * fewer than n run, so a signal handler may read them (sup_signal).
 */
void sup_reserve(struct supervisor *s, int n);

/*
 * The tool ends of its own accord (its children reaped): the watcher
 * exits without killing what they left running, and is waited for.
 */
void sup_done(struct supervisor *s);

/* Free the children's slots and close the descriptor, once read. */
void sup_free(struct supervisor *s);

/*
 * Act on what is pending: pass INT, TERM and HUP on to every child, and
 * reap children that ended. Returns the number reaped.
 */
int sup_handle(struct supervisor *s);

/*
 * Send sig to child i; with SUP_GROUPS to its process group, what is left
 * of it even once the child itself has ended.
 */
void sup_signal(const struct supervisor *s, int i, int sig);

/*
 * Run argv (exec_command) as a child and wait for it to end, passing
 * signals on; returns its wait(2) status, or -1 (errno set) if it cannot
 * fork. Once the command runs, the tool's own failures are its own again:
 * die_fail_status goes back to EXIT_FAIL (diag.h).
 */
int sup_run(struct supervisor *s, char *const argv[]);

/*
 * Stops, for a tool that must finish something before it dies of a
 * signal (give back what it took, settle a message in flight). Each
 * signal of set, once caught, only records itself in sup_stop (the first
 * one stays) and cuts the blocking call it lands in (no SA_RESTART);
 * first(), if not NULL, runs in the handler of the first one. The
 * signals are blocked while the handlers go in, so one that comes
 * meanwhile waits. The tool then ends with cleanup_die_of(sup_stop).
 */
extern volatile sig_atomic_t sup_stop;
void sup_catch_stops(const sigset_t *set, void (*first)(void));

/*
 * End as the child ended: exit with its status, or die of the same
 * signal (without a core file of our own for its crash).
 */
noreturn void sup_exit_as(int wstatus);

#endif
