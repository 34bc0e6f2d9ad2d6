/* SPDX-License-Identifier: ISC */
/* sockpipe's socket: connected (-R, -T), listening, accepted. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "parse.h"
#include "prefix.h"
#include "sockaddr.h"
#include "sockpipe.h"
#include "tool.h"

/* The socket file goes with us, even on a signal; never with a child. */
static void unlink_sock(void *arg)
{
	struct sockpipe_opts *o = arg;

	if (getpid() == o->owner)
		sock_unlink(&o->addr);
}

/*
 * --keepalive, --user-timeout: a dead peer or link ends a tcp connection
 * within a bound the user sets, not after the kernel's 15 minutes of
 * retries. Set on the listening socket, they pass to what it accepts.
 */
static void tune_tcp(int fd, const struct sockpipe_opts *o)
{
	int on = o->keepalive_ns > 0, cnt = 3;
	int64_t s = (o->keepalive_ns + NS_PER_SEC - 1) / NS_PER_SEC;
	int64_t ms = (o->user_timeout_ns + 999999) / 1000000;
	int secs = s > 32767 ? 32767 : (int)s, msi = ms > INT32_MAX ? INT32_MAX : (int)ms;

	if (o->addr.type != SOCK_STREAM || sock_family(fd) == AF_UNIX)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) < 0
	    || (on && (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &secs, sizeof secs) < 0
		       || setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &secs, sizeof secs) < 0
		       || setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) < 0))
	    || setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &msi, sizeof msi) < 0)
		die(EXIT_FAIL, "%s: cannot set the tcp keepalive and user timeout:", o->addr.text);
}

void sockopen_refuse(int c, const struct sockpipe_opts *o, const char *why)
{
	char peer[64];

	sock_peer_text(c, peer, sizeof peer);
	warn("%s: %s refused (%s)", o->addr.text, peer, why);
	close(c);
}

bool sockopen_per_ip_ok(int c, const struct sockpipe_opts *o, unsigned in)
{
	char why[32];

	if (o->max_per_ip == 0 || in < o->max_per_ip)
		return true;
	snprintf(why, sizeof why, "--max-per-ip %u", o->max_per_ip);
	sockopen_refuse(c, o, why);
	return false;
}

/* --allow, --deny: whether the client at ss may stay; if not, it is refused. */
static bool admitted(int c, const struct sockaddr_storage *ss, const struct sockpipe_opts *o,
		     struct ipaddr *peer)
{
	const struct prefix *rule;
	char why[INET6_ADDRSTRLEN + 16];

	if (!ipaddr_of((const struct sockaddr *)ss, peer) || o->rules.n == 0
	    || prefix_allows(&o->rules, peer, &rule))
		return true;
	if (rule)
		snprintf(why, sizeof why, "--deny %s", rule->text);
	else
		snprintf(why, sizeof why, "no --allow matches");
	sockopen_refuse(c, o, why);
	return false;
}

/*
 * accept4 on whichever listening socket has a client (they take turns).
 * Out of descriptors (EMFILE, ENFILE) a --keep server says so once and
 * gets -2: it stops accepting until a connection ends (the kernel keeps
 * the others in the backlog), never spinning on it.
 */
int sockopen_accept(const struct sockpipe_opts *o, int flags, struct ipaddr *peer)
{
	static bool said;
	static int next;
	struct sockaddr_storage ss;
	int c = -1;

	for (int i = 0; i < o->nlfd && c < 0; i++) {
		socklen_t len = sizeof ss;
		c = accept4(o->lfd[next], (struct sockaddr *)&ss, &len, SOCK_CLOEXEC | flags);
		next = (next + 1) % o->nlfd;
		if (c < 0 && errno != EAGAIN)
			break;
	}
	if (c >= 0 && !admitted(c, &ss, o, peer)) {
		errno = EAGAIN;
		return -1;
	}
	if (c >= 0 || errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
		return c;
	if (!o->keep || (errno != EMFILE && errno != ENFILE)) {
		warn("%s: cannot accept a connection:", o->addr.text);
		return -1;
	}
	if (!said)
		warn("%s: cannot accept a connection: %s; waiting for one to end", o->addr.text,
		     strerror(errno));
	said = true;
	return -2;
}

/* --max-conns no larger than the descriptors left under RLIMIT_NOFILE. */
void sockopen_cap_conns(struct sockpipe_opts *o)
{
	struct rlimit rl;
	int lowest = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0); /* the lowest free descriptor */

	if (lowest < 0 || getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return;
	close(lowest);
	/* a spare pair for the relay pipes of -e -i and a child's pipe */
	rlim_t room = rl.rlim_cur > (rlim_t)lowest + 3 ? rl.rlim_cur - (rlim_t)lowest - 3 : 1;
	if (room >= o->max_conns)
		return;
	if (o->max_given)
		warn("--max-conns %u: the descriptor limit (%llu) allows %llu", o->max_conns,
		     (unsigned long long)rl.rlim_cur, (unsigned long long)room);
	o->max_conns = (unsigned)room;
}

/*
 * A single-connection listener, once it has its connection, stops
 * listening: a second client is refused (and retries with -R) rather
 * than accepted by the kernel and reset later. The socket file goes too.
 */
void sockopen_stop_listening(struct sockpipe_opts *o)
{
	for (int i = 0; i < o->nlfd; i++)
		close(o->lfd[i]);
	if (o->lpoll != o->lfd[0])
		close(o->lpoll);
	o->nlfd = 0;
	unlink_sock(o);
	o->addr.made_file = false;
}

/* A name that did not resolve may yet (a container's name appears late). */
static bool may_resolve_later(int gai)
{
	return gai != EAI_SERVICE && gai != EAI_BADFLAGS && gai != EAI_FAMILY
		&& gai != EAI_SOCKTYPE && gai != EAI_MEMORY;
}

/*
 * Connect, with -R retrying until it passes, pausing 10 ms doubling to
 * 0.5 s between tries; -T bounds the whole wait (124).
 */
int sockopen_connect(struct sockpipe_opts *o)
{
	struct deadline tdl, rdl;
	int64_t delay = NS_PER_SEC / 100;

	deadline_start(&tdl, o->timeout.ns);
	deadline_start(&rdl, o->retry.ns);
	for (;;) {
		int fd = sock_connect(&o->addr, &tdl);
		if (fd >= 0) {
			tune_tcp(fd, o);
			return fd;
		}
		if (deadline_passed(&tdl))
			die(EXIT_TIMEOUT, "%s: not connected within %s", o->addr.text, timeout_str(&o->timeout));
		if (o->retry.ns < 0 || deadline_passed(&rdl)
		    || (o->addr.gai && !may_resolve_later(o->addr.gai))) {
			sock_warn(&o->addr, "cannot connect");
			exit(EXIT_FAIL);
		}
		deadline_backoff(deadline_left(&rdl) < deadline_left(&tdl) ? &rdl : &tdl,
				 &delay, NS_PER_SEC / 2);
	}
}

/*
 * Without -k: wait (-T bounded) for the one client. -T runs from the
 * first call: clients --allow/--deny refused neither restart nor end it.
 */
void sockopen_await(int lfd, const struct sockpipe_opts *o)
{
	static struct deadline dl;
	static bool started;
	int r;

	if (!started)
		deadline_start(&dl, o->timeout.ns);
	started = true;
	while ((r = wait_fd(lfd, POLLIN, deadline_poll_ms(&dl))) < 0 && errno == EINTR)
		continue;
	if (r == 0)
		die(EXIT_TIMEOUT, "%s: no connection within %s", o->addr.text, timeout_str(&o->timeout));
	if (r < 0)
		die(EXIT_FAIL, "%s: cannot wait for a connection:", o->addr.text);
}

int sockopen_accept_one(int lfd, struct sockpipe_opts *o)
{
	struct ipaddr peer;
	int c;

	for (;;) {
		sockopen_await(lfd, o);
		if ((c = sockopen_accept(o, SOCK_NONBLOCK, &peer)) >= 0)
			break;
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			exit(EXIT_FAIL);
	}
	sockopen_stop_listening(o);
	return c;
}

/*
 * One descriptor to poll for every listening socket: the socket itself,
 * or an epoll set of the two loopbacks (every mode's poll loop stays as
 * it was). The sockets are non-blocking: a client is taken by whichever
 * accept finds one.
 */
static int poll_set(struct sockpipe_opts *o)
{
	for (int i = 0; i < o->nlfd && o->addr.type == SOCK_STREAM; i++)
		if (fd_nonblock(o->lfd[i]) < 0)
			return -1;
	if (o->nlfd == 1)
		return o->lfd[0];
	int ep = epoll_create1(EPOLL_CLOEXEC);
	for (int i = 0; ep >= 0 && i < o->nlfd; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, o->lfd[i], &ev) < 0) {
			close(ep);
			return -1;
		}
	}
	return ep;
}

int sockopen_listen(struct sockpipe_opts *o)
{
	cleanup_push(unlink_sock, o);
	/* INT, TERM and HUP remove the file even where they came ignored
	 * (a background job's SIGINT): a listener is stopped with them. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	cleanup_on_signals();
	o->nlfd = sock_listen_all(&o->addr, o->mode, o->backlog, o->lfd);
	if (o->nlfd < 0) {
		o->nlfd = 0;
		sock_warn(&o->addr, "cannot listen");
		return -1;
	}
	for (int i = 0; i < o->nlfd; i++)
		tune_tcp(o->lfd[i], o);
	if ((o->lpoll = poll_set(o)) < 0)
		die(EXIT_FAIL, "%s: cannot wait on the listening sockets:", o->addr.text);
	if (o->print_port) {
		char b[16];
		int n = snprintf(b, sizeof b, "%d\n", sock_port(o->lfd[0]));
		if (write_all(o->port_fd, b, (size_t)n) < 0) {
			if (o->port_fd == STDOUT_FILENO)
				die_stdout();
			die(EXIT_FAIL, "--print-port: descriptor %d: write error:", o->port_fd);
		}
		/* A reader of FD (a FIFO, $(...)) sees its end; -e's commands never get it. */
		if (o->port_fd > STDERR_FILENO)
			close(o->port_fd);
	}
	return o->lpoll;
}
