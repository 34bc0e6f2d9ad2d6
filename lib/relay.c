/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "outq.h"
#include "pump.h"
#include "relay.h"
#include "tool.h"

#define RELAY_BUF (256 * 1024)

/* One direction: stdin to the socket (up) or the socket to stdout (down). */
struct dir {
	struct pump p;
	bool up;
	bool done;
	int err;         /* up: the send error, reported once down has ended */
	const struct relay_opts *o;
};

/* Errors that are the connection's, whichever call reported them. */
static bool conn_errno(int e)
{
	return e == ECONNRESET || e == ECONNABORTED || e == ETIMEDOUT || e == ENOTCONN
		|| e == EHOSTUNREACH || e == ENETUNREACH || e == ECONNREFUSED;
}

static noreturn void fail_read(const struct dir *d)
{
	if (d->up)
		die(EXIT_FAIL, "standard input: read error:");
	die(EXIT_FAIL, "%s: cannot receive from the peer:", d->o->label);
}

/*
 * A failed write. Down: stdout's error (or the connection's), fatal. Up:
 * the connection is gone, but a reply may wait before the reset: the send
 * error is kept, down runs to its end, then the error is reported.
 */
static void write_failed(struct dir *d)
{
	if (!d->up && conn_errno(errno))
		die(EXIT_FAIL, "%s: cannot receive from the peer:", d->o->label);
	if (!d->up)
		die_stdout();
	d->err = errno;
	d->done = true;
}

/* Move what can be moved now; true if any byte moved. */
static bool step(struct dir *d)
{
	enum pump_result r = pump_step(&d->p);

	errno = d->p.err;
	if (r == PUMP_READ_FAILED)
		fail_read(d);
	if (r == PUMP_WRITE_FAILED)
		write_failed(d);
	return r == PUMP_MOVED;
}

static void add(struct pollfd *p, struct dir **pd, int *n, struct dir *d)
{
	p[*n].fd = pump_wants(&d->p, &p[*n].events);
	pd[(*n)++] = d;
}

int relay_idle_ms(const struct relay_opts *o, int64_t last)
{
	if (o->idle.ns < 0)
		return -1;
	int64_t left = last + o->idle.ns - now_ns();
	return left > 0 ? ns_to_poll_ms(left) : 0;
}

void relay_idle_check(const struct relay_opts *o, int64_t last)
{
	if (o->idle.ns >= 0 && now_ns() - last >= o->idle.ns)
		die(EXIT_TIMEOUT, "%s: nothing moved for %s", o->label, timeout_str(&o->idle));
}

/*
 * The end of up: shut down the socket's sending side, which the peer
 * reads as its end of input (with -q too: a close with unread bytes from
 * the peer would be a reset, which throws away what is not yet sent).
 */
static void end_up(struct dir *up, int sock)
{
	up->done = true;
	if (shutdown(sock, SHUT_WR) < 0 && errno != ENOTCONN)
		die(EXIT_FAIL, "%s: cannot shut down the sending side:", up->o->label);
}

/*
 * -q: whether the peer has everything that was sent, so that closing
 * loses nothing. TCP counts the bytes not yet acknowledged (SIOCOUTQ);
 * a unix socket's data is in the peer's queue already.
 */
static bool all_acked(int sock, bool tcp)
{
	int unacked = 0;

	return !tcp || ioctl(sock, TIOCOUTQ, &unacked) < 0 || unacked == 0;
}

/* Out's reader and what it has read: see release_out. */
struct outwatch {
	struct outq q;  /* out's pipe, once down has ended; q.in polls at each read */
	bool started;
	bool done;      /* out has been released */
};

/*
 * Down has ended: out's reader gets its end of stream now, while input
 * may still flow (a command in a loop with sockpipe waits for it). Out
 * is a pipe: first its reader takes what was written; a reader that
 * left with bytes unread lost them, which is an error (exit 1). False
 * while the reader has yet to read: wait on w->q.in (or a while) and
 * call again. Out is closed with close_out (a command's pipe), else
 * replaced by /dev/null so that no descriptor we open lands on it.
 */
static bool release_out(int out, struct outwatch *w, const struct relay_opts *o)
{
	if (!w->started && !o->close_out)
		outq_init(&w->q, out); /* before looking: a read in between wakes us */
	w->started = true;
	long unread = w->q.kind == OUTQ_PIPE ? outq_look(&w->q) : 0;
	if (unread > 0)
		die(EXIT_FAIL, "standard output: the reader left with %ld bytes unread", unread);
	if (unread < 0)
		return false;
	outq_free(&w->q);
	w->done = true;
	int null = o->close_out ? -1 : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0 && dup2(null, out) >= 0) {
		close(null);
		return true;
	}
	close(out);
	return true;
}

/* Free what setup made; report a send error kept for after the reply. */
static void finish(struct dir *up, struct dir *down, bool has_in)
{
	if (up->err) {
		errno = up->err;
		die(EXIT_FAIL, "%s: cannot send to the peer:", up->o->label);
	}
	if (has_in)
		pump_free(&up->p);
	pump_free(&down->p);
}

/*
 * At the end over TCP: whether everything sent is acknowledged, or lost
 * to a reset (then up->err says so: a reset leaves SIOCOUTQ as it was,
 * the connection closed).
 */
static bool sent_settled(int sock, struct dir *up)
{
	int err = 0;
	socklen_t len = sizeof err;
	struct tcp_info ti;
	socklen_t tlen = sizeof ti;

	if (all_acked(sock, true))
		return true;
	if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0) {
		up->err = err;
		return true;
	}
	if (getsockopt(sock, IPPROTO_TCP, TCP_INFO, &ti, &tlen) == 0 && ti.tcpi_state == TCP_CLOSE) {
		up->err = ECONNRESET;
		return true;
	}
	return false;
}

/* Whether sock is TCP (-q waits for its acknowledgements). */
static bool is_tcp(int sock)
{
	int proto = 0;
	socklen_t len = sizeof proto;

	return getsockopt(sock, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 && proto == IPPROTO_TCP;
}

int relay(int sock, int in, int out, const struct relay_opts *o)
{
	struct relay_stats none = { 0, 0 };
	struct relay_stats *st = o->stats ? o->stats : &none;
	struct dir up = { .up = true, .o = o }, down = { .o = o };
	struct outwatch ow = { .q = { .fd = -1, .in = -1 }, .done = out < 0 };
	bool tcp = is_tcp(sock);
	int64_t last = now_ns();

	if (in >= 0)
		pump_init(&up.p, in, sock, NULL, o->label, RELAY_BUF);
	up.p.eof = in < 0;
	up.p.count = &st->sent;
	pump_init(&down.p, sock, out, NULL, o->label, RELAY_BUF);
	down.p.count = &st->received;
	for (;;) {
		struct pollfd p[4];
		struct dir *pd[2];
		int n = 0;

		/*
		 * A peer's EOF ends only what it sends: input keeps going to
		 * it until input's own end (then SHUT_WR), an error, -i or a
		 * signal. -q stops at input's end without waiting for more,
		 * once what was received is written out and the peer has
		 * what was sent.
		 */
		if (up.p.eof && up.p.len == 0 && !up.done)
			end_up(&up, sock);
		bool acking = false;
		if (o->quit_on_eof && up.done && !down.p.eof && down.p.len == 0) {
			acking = !up.err && !all_acked(sock, o->quit_on_eof && tcp);
			down.p.eof = !acking;
		}
		if (down.p.eof && !ow.done && release_out(out, &ow, o))
			out = -1;
		/*
		 * Both ends came; over TCP, what was sent after the peer's
		 * FIN may yet be answered by a reset (the peer died): exit
		 * only once it is acknowledged, or say it was not (the
		 * issue 26 matrix: kill * * tcp4, status 0 with a byte lost).
		 */
		if (up.done && down.p.eof && ow.done) {
			if (!tcp || up.err || sent_settled(sock, &up))
				break;
			acking = true;
		}
		if (!up.done) {
			if (up.p.eof)
				up.p.want_out = true;
			add(p, pd, &n, &up);
		}
		if (!down.p.eof)
			add(p, pd, &n, &down);
		int nw = n;
		/*
		 * Waiting on out's reader: its reads and closes (inotify), and
		 * the pipe itself, which polls POLLERR once its last reader is
		 * gone. No inotify event says so when that reader had the FIFO
		 * open read-write (its close is IN_CLOSE_WRITE), nor in time
		 * when the close event comes before the pipe lets the reader go.
		 */
		if (down.p.eof && !ow.done && ow.q.in >= 0) {
			p[nw++] = (struct pollfd){ .fd = ow.q.in, .events = POLLIN };
			p[nw++] = (struct pollfd){ .fd = out, .events = 0 };
		}
		/* No event says "acknowledged", nor "read" without inotify: look every 10 ms. */
		int ms = relay_idle_ms(o, last);
		if ((acking || (down.p.eof && !ow.done && ow.q.in < 0)) && (ms < 0 || ms > 10))
			ms = 10;
		int r = poll(p, (nfds_t)nw, ms);
		if (r < 0 && errno != EINTR)
			die(EXIT_FAIL, "%s: cannot wait on the streams:", o->label);
		if (r == 0)
			relay_idle_check(o, last);
		for (int i = 0; i < n && r > 0; i++)
			if (p[i].revents && step(pd[i]))
				last = now_ns();
	}
	finish(&up, &down, in >= 0);
	return 0;
}
