/* SPDX-License-Identifier: ISC */
/* sockpipe -l --keep: a log sink, many clients, their lines written whole. */
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
#include "sockaddr.h"
#include "sockpipe.h"
#include "tool.h"

/*
 * A -l --keep sink holds at most 64 MiB of partial lines in all: each of
 * --max-conns connections buffers up to 64 MiB / --max-conns of a line
 * (1 MiB at most, 16 KiB at least) and writes a longer line in pieces.
 */
#define SINK_BYTES ((size_t)64 << 20)
static size_t line_max = 1 << 20;

struct client {
	int fd;
	char *buf;
	size_t len, cap;
	int64_t last; /* when it last sent something */
	uint64_t got; /* -v: bytes received */
	const char *end;
	char peer[64];
	struct ipaddr addr; /* --max-per-ip */
};

/* The longest netstring a --netstring -l --keep sink holds, as a queue's messages. */
#define NS_MAX ((size_t)16 << 20)
static const struct sockpipe_opts *ns_sink; /* --netstring -l --keep */

/* Room for the next read, up to a whole netstring of NS_MAX. */
static void grow_ns(struct client *c)
{
	if (c->len + 1 >= c->cap && c->cap < 2 * NS_MAX)
		c->buf = xreallocarray(c->buf, c->cap = c->cap ? c->cap * 2 : 65536, 1);
}

/*
 * --netstring -l --keep: write out c's whole netstrings, so that clients'
 * records never mix. A malformed one ends c (c->end); one cut by c's end
 * is dropped. Both are said with the stream offset of the record.
 */
static void drain_ns(struct client *c, bool end)
{
	const char *why;
	char peer[64];
	size_t n;
	int bad = ns_span(c->buf, c->len, NS_MAX, &n, &why);

	if (n > 0 && write_all(STDOUT_FILENO, c->buf, n) < 0)
		die_stdout();
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	if (bad == 0 && !(end && c->len > 0))
		return;
	sock_peer_text(c->fd, peer, sizeof peer);
	if (bad < 0)
		warn("%s: %s: the netstring starting at byte %llu: %s; connection dropped", ns_sink->addr.text,
		     peer, (unsigned long long)(c->got - c->len), why);
	else
		warn("%s: %s: the stream ends at byte %llu inside a netstring; its %zu bytes dropped",
		     ns_sink->addr.text, peer, (unsigned long long)c->got, c->len);
	c->end = bad < 0 ? "a malformed netstring" : c->end;
	c->len = 0;
}

/* Write out c's whole lines; all of it (a newline added) at its end. */
static void drain(struct client *c, bool end)
{
	if (ns_sink) {
		drain_ns(c, end);
		return;
	}
	char *nl = c->len ? memrchr(c->buf, '\n', c->len) : NULL;
	bool full = c->cap >= line_max && c->len + 1 >= c->cap;
	size_t n = end || full ? c->len : nl ? (size_t)(nl - c->buf) + 1 : 0;

	if (end && n > 0 && c->buf[n - 1] != '\n')
		c->buf[n++] = '\n'; /* cap keeps a byte spare for it */
	if (n > 0 && write_all(STDOUT_FILENO, c->buf, n) < 0)
		die_stdout();
	if (n > c->len)
		n = c->len;
	if (c->len > n)
		memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* Read what client c sent; false once it has ended (closed, error, idle). */
static bool read_client(struct client *c, const struct sockpipe_opts *o)
{
	if (ns_sink)
		grow_ns(c);
	if (c->len + 1 >= c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 65536;
		if (c->cap >= line_max)
			drain(c, false); /* a line longer than line_max goes in pieces */
		else
			c->buf = xreallocarray(c->buf, c->cap = cap < line_max ? cap : line_max, 1);
	}
	ssize_t got = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
	if (got > 0) {
		c->len += (size_t)got;
		c->got += (uint64_t)got;
		c->last = now_ns();
		drain(c, false);
		return c->end == NULL; /* NULL unless a malformed netstring */
	}
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	c->end = got < 0 ? "an error (above)" : "the end of its stream";
	if (got < 0)
		warn("%s: client %d: cannot receive its lines:", o->addr.text, c->fd);
	return false;
}

/* Write out what is left of an ended client and let it go. */
static void end_client(struct client *c, bool idle, const struct sockpipe_opts *o)
{
	drain(c, true);
	if (o->verbose)
		warn("%s: %s: %llu bytes received, ended by %s", o->addr.text, c->peer,
		     (unsigned long long)c->got, idle && !c->end ? "--idle-timeout" : c->end);
	close(c->fd);
	free(c->buf);
}

/* Milliseconds until the first client passes --idle-timeout (per connection). */
static int next_idle_ms(const struct client *cl, unsigned n, int64_t idle_ns)
{
	int64_t first = INT64_MAX, now = now_ns();

	if (idle_ns < 0)
		return -1;
	for (unsigned i = 1; i < n; i++)
		if (cl[i].last + idle_ns < first)
			first = cl[i].last + idle_ns;
	if (first == INT64_MAX)
		return -1;
	return first <= now ? 0 : ns_to_poll_ms(first - now);
}

/* --max-per-ip: the connections open from peer. */
static unsigned from_peer(const struct client *cl, unsigned n, const struct ipaddr *peer)
{
	unsigned k = 0;

	for (unsigned i = 1; i < n; i++)
		k += ipaddr_eq(&cl[i].addr, peer);
	return k;
}

/* A log sink: many clients at once, their lines written whole. */
int socklog_run(int lfd, const struct sockpipe_opts *o)
{
	struct pollfd *p = xcalloc(o->max_conns + 1, sizeof *p);
	struct client *cl = xcalloc(o->max_conns + 1, sizeof *cl);
	int64_t idle_ns = o->relay.idle.ns;
	unsigned n = 1;
	bool full = false;

	line_max = SINK_BYTES / o->max_conns;
	line_max = line_max > 1 << 20 ? 1 << 20 : line_max < 16384 ? 16384 : line_max;
	ns_sink = o->delim == REC_NETSTRING ? o : NULL;
	p[0].fd = lfd;
	for (;;) {
		bool accepting = n <= o->max_conns && !full;
		for (unsigned i = 0; i < n; i++)
			p[i].events = POLLIN;
		/* Out of descriptors with no client to end: try again shortly. */
		int r = poll(p + !accepting, n - !accepting,
			     full && n == 1 ? 100 : next_idle_ms(cl, n, idle_ns));
		if (r < 0 && errno != EINTR)
			die(EXIT_FAIL, "%s: cannot wait for connections and lines:", o->addr.text);
		if (full && n == 1)
			full = false;
		int64_t now = now_ns();
		for (unsigned i = n; i-- > 1;) {
			bool idle = idle_ns >= 0 && now - cl[i].last >= idle_ns;
			if (r > 0 && p[i].revents && read_client(&cl[i], o))
				continue;
			if (!(r > 0 && p[i].revents) && !idle)
				continue;
			end_client(&cl[i], idle, o);
			cl[i] = cl[--n];
			p[i] = p[n];
			full = false;
		}
		if (r > 0 && accepting && (p[0].revents & POLLIN)) {
			struct ipaddr peer;
			int c = sockopen_accept(o, SOCK_NONBLOCK, &peer);
			if (c >= 0 && sockopen_per_ip_ok(c, o, from_peer(cl, n, &peer))) {
				cl[n] = (struct client){ .fd = c, .last = now, .addr = peer };
				if (o->verbose)
					sock_peer_text(c, cl[n].peer, sizeof cl[n].peer);
				p[n++].fd = c;
			}
			full = c == -2;
		}
	}
}
