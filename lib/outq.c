/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "outq.h"

/* A reader that keeps up takes what was written within microseconds:
 * look this many times, yielding, before sleeping on it. */
#define SPINS 200
/* Without inotify, look again after a nap that doubles up to this. */
#define NAP_MIN_NS 20000L
#define NAP_MAX_NS 20000000L

void outq_init(struct outq *q, int fd)
{
	struct stat st;
	char path[32];

	*q = (struct outq){ .fd = fd, .kind = OUTQ_OTHER, .in = -1 };
	if (fstat(fd, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode))
		q->kind = OUTQ_SOCKET;
	if (!S_ISFIFO(st.st_mode))
		return;
	q->kind = OUTQ_PIPE;
	/* A read of the pipe is an IN_ACCESS event on its inode; the reader
	 * closing it, IN_CLOSE_NOWRITE. Needs /proc and read permission on
	 * the pipe (not another user's): else we nap and look. */
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	q->in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (q->in >= 0 && inotify_add_watch(q->in, path, IN_ACCESS | IN_CLOSE_NOWRITE) < 0) {
		close(q->in);
		q->in = -1;
	}
}

void outq_free(struct outq *q)
{
	if (q->in >= 0)
		close(q->in);
	q->in = -1;
}

bool outq_gone(const struct outq *q)
{
	/* events 0: poll still reports POLLERR (a pipe's last reader gone)
	 * and POLLHUP (a socket's peer closed). */
	struct pollfd p = { .fd = q->fd };

	return q->kind != OUTQ_OTHER && poll(&p, 1, 0) == 1
		&& (p.revents & (POLLERR | POLLHUP));
}

/* Bytes not yet taken by the reader; 0 if the kernel cannot say. */
static long unread(const struct outq *q)
{
	int n = 0;

	if (ioctl(q->fd, q->kind == OUTQ_PIPE ? FIONREAD : SIOCOUTQ, &n) < 0)
		return 0;
	return n;
}

/*
 * A unix socket's peer that closes with unread bytes frees them, which
 * empties our SIOCOUTQ as a read would; it marks us ECONNRESET first.
 */
static bool reset(const struct outq *q)
{
	int err = 0;
	socklen_t len = sizeof err;

	return q->kind == OUTQ_SOCKET
		&& getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == ECONNRESET;
}

long outq_look(struct outq *q)
{
	char ev[4096];

	/* Drain first, then count: a read after the count wakes the poll. */
	while (q->in >= 0 && read(q->in, ev, sizeof ev) > 0)
		continue;
	if (q->kind == OUTQ_OTHER)
		return 0;
	/* Count first, then look for the reader: a peer that left before
	 * the count shows as gone after it. */
	long n = unread(q);
	bool gone = outq_gone(q);

	if (n == 0 && !(gone && reset(q)))
		return 0;
	if (gone)
		return n > 0 ? n : 1;
	return -1;
}

long outq_wait(struct outq *q)
{
	long nap = NAP_MIN_NS;

	if (q->kind == OUTQ_OTHER)
		return 0;
	for (int i = 0; i < SPINS && unread(q) > 0; i++)
		sched_yield();
	for (;;) {
		long n = outq_look(q);
		struct pollfd p[2] = { { .fd = q->fd }, { .fd = q->in, .events = POLLIN } };
		struct timespec ts = { 0, nap };

		if (n >= 0)
			return n;
		if (ppoll(p, q->in >= 0 ? 2 : 1, q->in >= 0 ? NULL : &ts, NULL) < 0
		    && errno != EINTR)
			return unread(q);
		if (nap < NAP_MAX_NS)
			nap *= 2;
	}
}
