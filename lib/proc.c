/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "parse.h"
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

int proc_pidfd_sigqueue(int fd, int sig, int value)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	return proc_pidfd_signal(fd, sig, &si);
}

bool proc_pin(pid_t pid, bool need, const char *label, int *fd)
{
	*fd = proc_pidfd_open(pid);
	/* A thread ID: EINVAL, or ENOENT on some kernels. */
	if (*fd >= 0 || errno == ENOSYS || errno == EINVAL || errno == ENOENT)
		return true;
	if ((errno == EMFILE || errno == ENFILE) && !need)
		return true;
	if (errno == ESRCH)
		warn("%s: no such process", label);
	else
		warn("%s: cannot open a pidfd:", label);
	return false;
}

bool proc_gone(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
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

pid_t arg_pid(const char *opt, const char *s)
{
	const char *d = s + (s[0] == '-');
	const char *pre = opt ? opt : "", *sep = opt ? ": " : "";
	uint64_t v;

	if (*d == '\0' || strspn(d, "0123456789") != strlen(d))
		usage_error("%s%s'%s' is not a process ID (a positive number)", pre, sep, s);
	if (parse_u64(d, 0, INT_MAX, &v) < 0)
		usage_error("%s%s'%s' is out of range (1 to %d)", pre, sep, s, INT_MAX);
	if (s[0] == '-' && v == 1)
		usage_error("%s%s'-1' is refused: kill(2) would signal every process", pre, sep);
	if (s[0] == '-' && v > 1)
		usage_error("%s%s'%s' is refused: kill(2) would signal process group %s; "
			    "say -g %s", pre, sep, s, d, d);
	if (v == 0)
		usage_error("%s%s'%s' is refused: kill(2) would signal its own process group; "
			    "say -g PGID", pre, sep, s);
	return (pid_t)v;
}

pid_t arg_pgid(const char *opt, const char *s)
{
	pid_t g = arg_pid(opt, s);

	if (g == 1)
		usage_error("%s: process group 1 is refused: kill(2) "
			    "would read -1 as every process", opt);
	if (g == getpgrp())
		usage_error("%s: process group %d is %s's own process group; "
			    "it would signal itself", opt, (int)g, progname);
	return g;
}
