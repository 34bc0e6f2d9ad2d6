/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r = poll(&p, 1, timeout_ms);

	return r < 0 ? -1 : r;
}

ssize_t read_full(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r > 0) {
			got += (size_t)r;
		} else if (r == 0) {
			break;
		} else if (errno == EAGAIN) {
			if (wait_fd(fd, POLLIN, -1) < 0 && errno != EINTR)
				return -1;
		} else if (errno != EINTR) {
			return -1;
		}
	}
	return (ssize_t)got;
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w >= 0) {
			p += w;
			n -= (size_t)w;
		} else if (errno == EAGAIN) {
			if (wait_fd(fd, POLLOUT, -1) < 0 && errno != EINTR)
				return -1;
		} else if (errno != EINTR) {
			return -1;
		}
	}
	return 0;
}

long wait_read(int fd)
{
	struct stat st;
	char path[32];
	int unread = 0, in;

	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return 0;
	/* A read of the pipe is an IN_ACCESS event on its inode; the reader
	 * closing it, IN_CLOSE_NOWRITE. Watch before looking. */
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (in >= 0 && inotify_add_watch(in, path, IN_ACCESS | IN_CLOSE_NOWRITE) < 0) {
		close(in);
		in = -1;
	}
	for (;;) {
		/* events 0: poll still reports POLLERR, the last reader gone. */
		struct pollfd p[2] = { { .fd = fd }, { .fd = in, .events = POLLIN } };
		char ev[4096];

		if (ioctl(fd, FIONREAD, &unread) < 0 || unread == 0)
			break;
		if (poll(p, 1, 0) > 0 && (p[0].revents & POLLERR))
			break;
		/* Without inotify, look again every 10 ms. */
		if (poll(p, in >= 0 ? 2 : 1, in >= 0 ? -1 : 10) < 0 && errno != EINTR)
			break;
		while (in >= 0 && read(in, ev, sizeof ev) > 0)
			;
	}
	if (in >= 0)
		close(in);
	return unread;
}
