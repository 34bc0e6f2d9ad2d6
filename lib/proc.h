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
/* Is process pid stopped (state T or t in /proc/PID/stat)? */
bool proc_stopped(pid_t pid);
/*
 * The start time of process pid in clock ticks after boot (/proc/PID/stat
 * field 22): with the PID, it names one process even after the PID is
 * reused. 0, or -1 with errno (ENOENT: no such process, or no /proc).
 */
int proc_start_time(pid_t pid, uint64_t *start);

/* A number from a /proc/sys file (path in full), or def when it cannot be read. */
uint64_t proc_sys_u64(const char *path, uint64_t def);

#endif
