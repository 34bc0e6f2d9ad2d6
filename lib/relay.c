/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "deadline.h"
#include "alloc.h"
#include "diag.h"
#include "io.h"
#include "outq.h"
#include "relay.h"
#include "tool.h"

#define RELAY_BUF (256 * 1024)
#define SPLICE_LEN (1 << 20)

/* One direction: stdin to the socket (up) or the socket to stdout (down). */
struct dir {
	int from, to;
	bool up;
	bool splice;     /* move data with splice(2) */
	int via[2];      /* a pipe of our own when neither side is one */
	bool want_out;   /* waiting for room at to, not for data at from */
	bool eof;        /* nothing more will be read from from */
	bool done;
	bool moved;
	int err;         /* up: the send error, reported once down has ended */
	uint64_t *count; /* bytes taken from from */
	char *buf;
	size_t off, len; /* read but not yet written */
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

static void copy_mode(struct dir *d)
{
	d->splice = false;
	if (!d->buf)
		d->buf = xmalloc(RELAY_BUF);
}

static void setup(struct dir *d)
{
	struct stat st;
	int other = d->up ? d->from : d->to;

	d->splice = true;
	d->via[0] = d->via[1] = -1;
	if (fstat(other, &st) == 0 && S_ISFIFO(st.st_mode)) {
		/* A larger pipe: fewer wake-ups on both sides of it. */
		if (fcntl(other, F_GETPIPE_SZ) < SPLICE_LEN)
			fcntl(other, F_SETPIPE_SZ, SPLICE_LEN);
		return;
	}
	if (pipe2(d->via, O_CLOEXEC | O_NONBLOCK) == 0) {
		fcntl(d->via[1], F_SETPIPE_SZ, SPLICE_LEN);
		return;
	}
	copy_mode(d);
}

/* The destination takes no splice: copy what waits in the pipe, then copy. */
static void unsplice(struct dir *d)
{
	copy_mode(d);
	while (d->len > 0) {
		ssize_t n = read(d->via[0], d->buf, d->len < RELAY_BUF ? d->len : RELAY_BUF);
		if (n <= 0)
			die(EXIT_FAIL, "%s: cannot read back the splice pipe:", d->o->label);
		if (write_all(d->to, d->buf, (size_t)n) < 0) {
			write_failed(d);
			return;
		}
		d->len -= (size_t)n;
	}
}

/*
 * The two ends of a transfer through our own pipe (d->len counts what
 * waits in it) or through our buffer (read(2), write(2)).
 */
static ssize_t get_spliced(struct dir *d)
{
	return splice(d->from, NULL, d->via[1], NULL, SPLICE_LEN,
		      SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}

static ssize_t put_spliced(struct dir *d)
{
	return splice(d->via[0], NULL, d->to, NULL, d->len,
		      SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}

static ssize_t get_copied(struct dir *d)
{
	return read(d->from, d->buf, RELAY_BUF);
}

static ssize_t put_copied(struct dir *d)
{
	return write(d->to, d->buf + d->off, d->len);
}

/* Take one chunk from d->from; false if none came (end, none yet, copy now). */
static bool fill(struct dir *d, ssize_t (*get)(struct dir *))
{
	ssize_t n = get(d);

	if (n == 0) {
		d->eof = true;
		return false;
	}
	if (n < 0) {
		if (errno == EINVAL && get == get_spliced && !d->moved) {
			copy_mode(d); /* cannot splice from this: copy */
			return false;
		}
		if (errno == EAGAIN || errno == EINTR)
			return false;
		fail_read(d);
	}
	d->off = 0;
	d->len = (size_t)n;
	*d->count += (uint64_t)n;
	d->moved = true;
	return true;
}

/* Write out the d->len bytes that wait; true if any byte moved. */
static bool flush(struct dir *d, ssize_t (*put)(struct dir *), bool moved)
{
	while (d->len > 0) {
		ssize_t w = put(d);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			d->want_out = true;
			return moved;
		}
		if (w < 0 && errno == EINVAL && put == put_spliced) {
			unsplice(d);
			return !d->done; /* drained, unless that write failed */
		}
		if (w < 0) {
			write_failed(d);
			return false;
		}
		d->off += (size_t)w;
		d->len -= (size_t)w;
		moved = true;
	}
	d->want_out = false;
	return moved;
}

/* Take a chunk if none waits, then write out what waits. */
static bool transfer(struct dir *d, ssize_t (*get)(struct dir *),
		     ssize_t (*put)(struct dir *))
{
	bool moved = false;

	if (d->len == 0 && !d->eof) {
		if (!fill(d, get))
			return false;
		moved = true;
	}
	return flush(d, put, moved);
}

/* Splice from one side straight to the other (one of them is a pipe). */
static bool step_splice(struct dir *d)
{
	bool src_ready = !d->want_out, moved = false;

	/* Go on while it moves: a poll per chunk costs a core on loopback. */
	for (int i = 0; i < 16; i++) {
		ssize_t n = splice(d->from, NULL, d->to, NULL, SPLICE_LEN,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			*d->count += (uint64_t)n;
			d->moved = moved = true;
			d->want_out = false;
			src_ready = false; /* unknown again: ask the source first */
			continue;
		}
		if (n == 0) {
			d->eof = true;
			return moved;
		}
		if (errno == EAGAIN) {
			/* The side we waited on was ready: the other one is not. */
			d->want_out = src_ready;
			return moved;
		}
		if (errno == EINTR)
			return moved;
		if (errno == EINVAL && !d->moved) {
			copy_mode(d); /* this pair cannot splice */
			return false;
		}
		write_failed(d);
		return false;
	}
	return moved;
}

/* Move what can be moved now, the way setup chose; true if any byte moved. */
static bool step(struct dir *d)
{
	if (d->splice && d->via[0] >= 0) {
		/* Go on while it moves: a poll per chunk costs a core on loopback. */
		bool moved = false;
		for (int i = 0; i < 16 && d->splice && transfer(d, get_spliced, put_spliced); i++)
			moved = true;
		return moved;
	}
	return d->splice ? step_splice(d) : transfer(d, get_copied, put_copied);
}

static void add(struct pollfd *p, struct dir **pd, int *n, struct dir *d)
{
	p[*n].fd = d->want_out ? d->to : d->from;
	p[*n].events = d->want_out ? POLLOUT : POLLIN;
	pd[(*n)++] = d;
}

int relay_idle_ms(const struct relay_opts *o, int64_t last)
{
	if (o->idle_ns < 0)
		return -1;
	int64_t left = last + o->idle_ns - now_ns();
	return left > 0 ? ns_to_poll_ms(left) : 0;
}

void relay_idle_check(const struct relay_opts *o, int64_t last)
{
	if (o->idle_ns >= 0 && now_ns() - last >= o->idle_ns)
		die(EXIT_TIMEOUT, "%s: nothing moved for %s", o->label, o->idle_text);
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
	free(up->buf);
	free(down->buf);
	for (int i = 0; i < 2; i++) {
		if (has_in && up->splice && up->via[i] >= 0)
			close(up->via[i]);
		if (down->splice && down->via[i] >= 0)
			close(down->via[i]);
	}
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
	struct dir up = { .from = in, .to = sock, .up = true, .eof = in < 0,
			  .count = &st->sent, .o = o };
	struct dir down = { .from = sock, .to = out, .count = &st->received, .o = o };
	struct outwatch ow = { .q = { .fd = -1, .in = -1 }, .done = out < 0 };
	bool tcp = o->quit_on_eof && is_tcp(sock);
	int64_t last = now_ns();

	if (in >= 0)
		setup(&up);
	setup(&down);
	for (;;) {
		struct pollfd p[3];
		struct dir *pd[2];
		int n = 0;

		/*
		 * A peer's EOF ends only what it sends: input keeps going to
		 * it until input's own end (then SHUT_WR), an error, -i or a
		 * signal. -q stops at input's end without waiting for more,
		 * once what was received is written out and the peer has
		 * what was sent.
		 */
		if (up.eof && up.len == 0 && !up.done)
			end_up(&up, sock);
		bool acking = false;
		if (o->quit_on_eof && up.done && !down.eof && down.len == 0) {
			acking = !up.err && !all_acked(sock, tcp);
			down.eof = !acking;
		}
		if (down.eof && !ow.done && release_out(out, &ow, o))
			out = -1;
		if (up.done && down.eof && ow.done)
			break;
		if (!up.done) {
			if (up.eof)
				up.want_out = true;
			add(p, pd, &n, &up);
		}
		if (!down.eof)
			add(p, pd, &n, &down);
		int nw = n;
		if (down.eof && !ow.done && ow.q.in >= 0)
			p[nw++] = (struct pollfd){ .fd = ow.q.in, .events = POLLIN };
		/* No event says "acknowledged", nor "read" without inotify: look every 10 ms. */
		int ms = relay_idle_ms(o, last);
		if ((acking || (down.eof && !ow.done && ow.q.in < 0)) && (ms < 0 || ms > 10))
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
