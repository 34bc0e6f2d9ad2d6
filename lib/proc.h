/* SPDX-License-Identifier: ISC */
/*
 * Processes held by a pidfd, so a recycled PID is never mistaken for the
 * process meant: pidfd_open(2) and pidfd_send_signal(2) where the kernel
 * has them (-1 with ENOSYS otherwise), and a look at a process's state;
 * and the kernel's numbers in /proc/sys.
 */
#ifndef IPCUTILS_PROC_H
#define IPCUTILS_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A pidfd for pid, or -1 with errno (ESRCH, EMFILE, EINVAL for a thread ID). */
int proc_pidfd_open(pid_t pid);
/* Send sig through a pidfd; info NULL as kill(2), or as sigqueue(3) fills it. */
int proc_pidfd_signal(int fd, int sig, siginfo_t *info);
/* The state of process pid (/proc/PID/stat field 3: R, S, T, Z, ...), or 0. */
char proc_state(pid_t pid);
/*
 * Send sig as sigqueue(3) does, carrying value, through a pidfd: the
 * receiver sees what sigqueue would have filled in.
 */
int proc_pidfd_sigqueue(int fd, int sig, int value);
/*
 * Pin pid with a pidfd before anything is done to it: *fd is the pidfd,
 * or -1 where there is none to be had and kill(2) must do (no
 * pidfd_open, a thread ID, or no descriptor left, unless need is set:
 * waiting on a process needs its pidfd). False after a message naming
 * label (no such process, or the error).
 */
bool proc_pin(pid_t pid, bool need, const char *label, int *fd);
/* Is there no process pid (kill(2) says ESRCH)? */
bool proc_gone(pid_t pid);
/* Is process pid stopped (state T or t in /proc/PID/stat)? */
bool proc_stopped(pid_t pid);
/*
 * The start time of process pid in clock ticks after boot (/proc/PID/stat
 * field 22): with the PID, it names one process even after the PID is
 * reused. 0, or -1 with errno (ENOENT: no such process, or no /proc).
 */
int proc_start_time(pid_t pid, uint64_t *start);

/*
 * A PID argument: decimal, positive. 0, -1 and -N are usage errors naming
 * opt (nothing for an operand, opt NULL) and what kill(2) would have made
 * of them.
 */
pid_t arg_pid(const char *opt, const char *s);
/* A process group argument: arg_pid, and neither 1 nor the caller's own. */
pid_t arg_pgid(const char *opt, const char *s);

/* A number from a /proc/sys file (path in full), or def when it cannot be read. */
uint64_t proc_sys_u64(const char *path, uint64_t def);

#endif
