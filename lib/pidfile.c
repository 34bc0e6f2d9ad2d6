/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "io.h"
#include "parse.h"
#include "pidfile.h"
#include "proc.h"
#include "tmpname.h"

/* One decimal number without a leading zero (0 itself only if zero_ok). */
static int number(const char *s, size_t n, uint64_t max, bool zero_ok, uint64_t *v)
{
	char d[24];

	if (n == 0 || n >= sizeof d || (s[0] == '0' && !(zero_ok && n == 1)))
		return -1;
	memcpy(d, s, n);
	d[n] = '\0';
	return parse_u64(d, zero_ok ? 0 : 1, max, v);
}

/* "PID", "PID\n", "PID\nstart=T" or "PID\nstart=T\n" (n bytes, no NUL in it). */
static pid_t parse(const char *buf, size_t n, uint64_t *start)
{
	const char *nl = memchr(buf, '\n', n);
	uint64_t pid;

	*start = PIDFILE_NO_START;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (number(buf, nl && nl < buf + n ? (size_t)(nl - buf) : n, INT_MAX, false, &pid) < 0)
		return -1;
	if (nl && nl < buf + n) {
		const char *t = nl + 1;
		size_t tn = n - (size_t)(t - buf);

		if (tn < 6 || memcmp(t, "start=", 6) != 0 ||
		    number(t + 6, tn - 6, PIDFILE_NO_START - 1, true, start) < 0)
			return -1;
	}
	return (pid_t)pid;
}

pid_t pidfile_read(const char *path, uint64_t *start)
{
	char buf[64];
	struct stat st;
	/* O_NONBLOCK: a FIFO must not hold us up before it is refused. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		warn("%s: cannot open pidfile:", path);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		warn("%s: pidfile is not a regular file", path);
		return -1;
	}
	ssize_t n = read_full(fd, buf, sizeof buf);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		warn("%s: cannot read pidfile:", path);
		return -1;
	}
	if (n == 0) {
		warn("%s: pidfile is empty", path);
		return -1;
	}
	pid_t pid = -1;
	if ((size_t)n < sizeof buf && !memchr(buf, '\0', (size_t)n))
		pid = parse(buf, (size_t)n, start);
	if (pid < 0)
		warn("%s: pidfile does not hold one positive process ID", path);
	return pid;
}

bool pidfile_same_start(pid_t pid, uint64_t start, const char *label)
{
	uint64_t now;
	int r;

	if (start == PIDFILE_NO_START)
		return true;
	if ((r = proc_start_time(pid, &now)) == 0 && now == start)
		return true;
	if (r < 0 && errno == ENOENT)
		warn("%s: no such process", label);
	else if (r < 0)
		warn("%s: cannot read its start time:", label);
	else
		warn("%s: not the process that wrote the pidfile: that one has exited, "
		     "and its PID is another process's now", label);
	return false;
}

static int create(const char *path, void *arg)
{
	(void)arg;
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
}

int pidfile_write(struct pidfile *pf, const char *path, pid_t pid)
{
	char tmp[PATH_MAX];
	size_t nx = tmpname_beside(tmp, sizeof tmp, path, "pidfile");
	uint64_t start;
	/* Mode 0600: like everything ipcutils creates, not for others. */
	int fd = nx ? tmpname_make(tmp, nx, create, NULL) : -1;

	if (fd < 0)
		return -1;
	pf->path = path;
	/* Without /proc there is no start time to give: the PID alone. */
	if (proc_start_time(pid, &start) == 0)
		pf->len = (size_t)snprintf(pf->text, sizeof pf->text, "%ld\nstart=%llu\n", (long)pid,
					   (unsigned long long)start);
	else
		pf->len = (size_t)snprintf(pf->text, sizeof pf->text, "%ld\n", (long)pid);
	int bad = write_all(fd, pf->text, pf->len) < 0;
	int saved = errno;
	if (close(fd) < 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	if (!bad && rename(tmp, path) < 0) {
		bad = 1;
		saved = errno;
	}
	if (bad) {
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

void pidfile_remove(void *arg)
{
	const struct pidfile *pf = arg;
	char buf[sizeof pf->text + 1];
	int fd = open(pf->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n == (ssize_t)pf->len && memcmp(buf, pf->text, pf->len) == 0)
		unlink(pf->path);
}
