/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

char proc_state(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	char *p = NULL;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return 0;
	if (fgets(buf, sizeof buf, f))
		p = strrchr(buf, ')');
	fclose(f);
	return p && p[1] == ' ' ? p[2] : 0;
}

bool proc_stopped(pid_t pid)
{
	char st = proc_state(pid);

	return st == 'T' || st == 't';
}

int proc_start_time(pid_t pid, uint64_t *start)
{
	char path[64], buf[1024], *p;
	int fd, field = 2;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -1 : (errno = EIO, -1);
	buf[n] = '\0';
	/* The name (field 2) may hold spaces and ')': skip to its last ')'. */
	if (!(p = strrchr(buf, ')')))
		return errno = EIO, -1;
	while (field < 22 && (p = strchr(p + 1, ' ')))
		field++;
	if (!p || sscanf(p + 1, "%" SCNu64, start) != 1)
		return errno = EIO, -1;
	return 0;
}

uint64_t proc_sys_u64(const char *path, uint64_t def)
{
	uint64_t v = def;
	FILE *f = fopen(path, "re");

	if (f && fscanf(f, "%" SCNu64, &v) != 1)
		v = def;
	if (f)
		fclose(f);
	return v;
}
