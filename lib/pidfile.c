/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "io.h"
#include "parse.h"
#include "pidfile.h"
#include "tmpname.h"

pid_t pidfile_read(const char *path)
{
	char buf[32];
	uint64_t pid;
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
	ssize_t n = read_full(fd, buf, sizeof buf - 1);
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
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (strlen(buf) != (size_t)n || parse_u64(buf, 1, INT_MAX, &pid) < 0
	    || buf[0] == '0') {
		warn("%s: pidfile does not hold one positive process ID", path);
		return -1;
	}
	return (pid_t)pid;
}

static int create(const char *path, void *arg)
{
	(void)arg;
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
}

int pidfile_write(const char *path, pid_t pid)
{
	char tmp[PATH_MAX], buf[32];
	size_t nx = tmpname_beside(tmp, sizeof tmp, path, "pidfile");
	/* Mode 0600: like everything ipcutils creates, not for others. */
	int fd = nx ? tmpname_make(tmp, nx, create, NULL) : -1;

	if (fd < 0)
		return -1;
	int len = snprintf(buf, sizeof buf, "%ld\n", (long)pid);
	int bad = write_all(fd, buf, (size_t)len) < 0;
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
