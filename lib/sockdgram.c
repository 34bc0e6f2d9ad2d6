/* SPDX-License-Identifier: ISC */
/* sockpipe on a datagram socket: one record per datagram. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "alloc.h"
#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "record.h"
#include "relay.h"
#include "sockaddr.h"
#include "sockpipe.h"
#include "tool.h"

/* A datagram socket's state: the peer it answers, its buffers. */
struct dgram {
	int fd;                   /* the socket that sends: the peer's */
	const int *rfd;           /* the sockets received from (udp::PORT: both loopbacks) */
	int nrfd;
	bool listening, connected;
	struct sockaddr_storage peer;
	socklen_t peerlen;        /* 0: no peer yet */
	char *buf;
	size_t cap;
	size_t max;               /* the largest datagram that can be sent */
	struct rec_reader in;
	struct rec_writer out;
};

/* The largest datagram fd can send. */
static size_t dgram_max(int fd)
{
	if (sock_family(fd) == AF_UNIX) {
		/* Linux takes a unix datagram of up to the send buffer less 32. */
		int sndbuf = 0;
		socklen_t len = sizeof sndbuf;
		getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len);
		return sndbuf > 32 ? (size_t)sndbuf - 32 : SIZE_MAX;
	}
	return sock_family(fd) == AF_INET6 ? 65527 : 65507;
}

/*
 * Send one datagram. A unix peer whose queue is full gives EAGAIN: wait
 * for room (poll sees the peer's queue), as a blocking send would; -i
 * still bounds the wait.
 */
static ssize_t send_dgram(struct dgram *d, const char *rec, size_t len,
			  const struct sockpipe_opts *o, int64_t last)
{
	for (;;) {
		ssize_t n = d->connected ? send(d->fd, rec, len, 0)
			: sendto(d->fd, rec, len, 0, (const struct sockaddr *)&d->peer, d->peerlen);
		if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			return n;
		if (errno == EINTR)
			continue;
		int r = wait_fd(d->fd, POLLOUT, relay_idle_ms(&o->relay, last));
		if (r == 0)
			relay_idle_check(&o->relay, last);
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static void send_record(struct dgram *d, const struct sockpipe_opts *o, int64_t last)
{
	char *rec;
	size_t len;
	int got = rec_read(&d->in, &rec, &len);

	if (got == REC_TOOBIG)
		die(EXIT_FAIL, "%s: record %llu is %s%zu bytes; a datagram takes at most %zu",
		    o->addr.text, (unsigned long long)d->in.count,
		    d->in.cut ? "more than " : "", len, d->max);
	if (got == REC_BADFRAME)
		die(EXIT_FAIL, "standard input: netstring %llu, byte %llu: %s",
		    (unsigned long long)d->in.count, (unsigned long long)d->in.bad_at, d->in.why);
	if (got < 0)
		die(EXIT_FAIL, "standard input: read error:");
	if (got > 0 && send_dgram(d, rec, len, o, last) < 0) {
		if (errno == EMSGSIZE)
			die(EXIT_FAIL, "%s: record %llu is %zu bytes; more than a datagram here can carry",
			    o->addr.text, (unsigned long long)d->in.count, len);
		die(EXIT_FAIL, "%s: cannot send record %llu:", o->addr.text, (unsigned long long)d->in.count);
	}
}

/*
 * Receive one datagram on fd and write it out as a record. False if it
 * came from another sender than the one -l answers: dropped, as if not
 * seen. Replies go out of the socket the peer's datagrams come in on.
 */
static bool recv_record(struct dgram *d, int fd, const struct sockpipe_opts *o)
{
	ssize_t n = recv(fd, d->buf, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);

	if (n > (ssize_t)d->cap)
		d->buf = xreallocarray(d->buf, d->cap = (size_t)n, 1);
	/*
	 * -l locks onto its first sender: the others' datagrams are
	 * dropped, as socat and nc -u -l do; -l --keep answers the latest.
	 */
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof from;
	n = n < 0 ? n : recvfrom(fd, d->buf, d->cap, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		die(EXIT_FAIL, "%s: cannot receive a datagram:", o->addr.text);
	if (n < 0)
		return true;
	if (d->listening && !o->keep && d->peerlen > 0
	    && (fromlen != d->peerlen || memcmp(&from, &d->peer, fromlen) != 0))
		return false;
	if (d->listening && (o->keep || d->peerlen == 0)) {
		d->peer = from;
		d->peerlen = fromlen;
		d->fd = fd;
	}
	if (rec_write(&d->out, d->buf, (size_t)n) < 0 || rec_flush(&d->out) < 0)
		die_stdout();
	return true;
}

/*
 * Datagrams: each record of stdin is one datagram, each one received a
 * record. A listener receives on all of its sockets (o->lfd); the
 * largest record is the smallest of their datagrams.
 */
int sockdgram_run(int fd, bool listening, const struct sockpipe_opts *o)
{
	struct dgram d = { .fd = fd, .rfd = listening ? o->lfd : &fd, .nrfd = listening ? o->nlfd : 1,
			   .listening = listening, .connected = !listening, .cap = 65536,
			   .max = dgram_max(fd) };
	int64_t last = now_ns();

	for (int i = 1; i < d.nrfd; i++)
		d.max = dgram_max(d.rfd[i]) < d.max ? dgram_max(d.rfd[i]) : d.max;
	d.buf = xmalloc(d.cap);
	rec_reader_init(&d.in, STDIN_FILENO, o->delim, d.max);
	rec_writer_init(&d.out, STDOUT_FILENO, o->term);
	for (;;) {
		struct pollfd p[3];
		int n = 0;
		for (; n < d.nrfd; n++)
			p[n] = (struct pollfd){ .fd = d.rfd[n], .events = POLLIN };
		p[n] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		bool can_send = d.connected || d.peerlen > 0;
		relay_idle_check(&o->relay, last);
		int r = poll(p, (nfds_t)n + !(d.in.done || !can_send), relay_idle_ms(&o->relay, last));
		if (r < 0 && errno != EINTR)
			die(EXIT_FAIL, "%s: cannot wait for datagrams:", o->addr.text);
		for (int i = 0; r > 0 && i < d.nrfd; i++)
			if (p[i].revents && recv_record(&d, d.rfd[i], o))
				last = now_ns();
		if (r > 0 && p[n].revents && !d.in.done && (d.connected || d.peerlen > 0)) {
			do
				send_record(&d, o, last);
			while (rec_ready(&d.in));
			last = now_ns();
		}
		if (d.in.done && o->relay.quit_on_eof)
			break;
	}
	rec_reader_free(&d.in);
	rec_writer_free(&d.out);
	free(d.buf);
	long unread = wait_read(STDOUT_FILENO);
	if (unread > 0)
		die(EXIT_FAIL, "standard output: the reader left with %ld bytes unread", unread);
	return 0;
}
