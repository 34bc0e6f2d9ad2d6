/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "io.h"
#include "outq.h"

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

size_t pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
	const char *p = buf;
	size_t done = 0;

	while (done < n) {
		ssize_t w = pwrite(fd, p + done, n - done, off + (off_t)done);

		if (w >= 0)
			done += (size_t)w;
		else if (errno != EINTR)
			break;
	}
	return done;
}

int fd_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

long wait_read(int fd)
{
	struct outq q;
	long n;

	outq_init(&q, fd);
	n = outq_wait(&q);
	outq_free(&q);
	return n;
}
