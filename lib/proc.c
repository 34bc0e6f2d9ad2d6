/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc.h"

int proc_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

int proc_pidfd_signal(int fd, int sig, siginfo_t *info)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, info, 0);
#else
	(void)fd, (void)sig, (void)info;
	errno = ENOSYS;
	return -1;
#endif
}

bool proc_stopped(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	char *p = NULL;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return false;
	if (fgets(buf, sizeof buf, f))
		p = strrchr(buf, ')');
	fclose(f);
	return p && (p[2] == 'T' || p[2] == 't');
}
