/* SPDX-License-Identifier: ISC */
/* sockpipe -l -e: inetd-style, a command per connection. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <unistd.h>
#include <sys/wait.h>

#include "alloc.h"
#include "cleanup.h"
#include "diag.h"
#include "exec.h"
#include "io.h"
#include "relay.h"
#include "sockaddr.h"
#include "sockpipe.h"
#include "supervise.h"
#include "tool.h"

/* -e: the children running the command, one per connection. */
struct server {
	struct sockpipe_opts *o;
	struct supervisor sup;    /* a slot per child running */
	char (*peer)[64];         /* -v: each slot's peer */
	struct ipaddr *addr;      /* --max-per-ip: each slot's client address */
	int status;               /* the last child's exit status */
};

/* On a fatal signal the connections' commands end with us. */
static void end_kids(void *arg)
{
	const struct server *s = arg;

	if (!cleanup_in_signal() || getpid() != s->o->owner)
		return;
	for (int i = 0; i < s->sup.n; i++)
		sup_signal(&s->sup, i, SIGTERM);
}

static void end_pid(void *arg)
{
	pid_t *pid = arg;

	if (*pid > 0)
		kill(*pid, SIGTERM);
}

/*
 * In a connection's child, with --idle-timeout: the command talks to pipes that this
 * process relays to the connection, so that --idle-timeout can end an idle one (the
 * command gets SIGTERM, the child exits 124). Exits with the command's
 * status otherwise.
 */
static noreturn void run_idle(int c, const struct sockpipe_opts *o)
{
	static pid_t cmd_pid;
	int to[2], from[2], st;
	struct relay_opts ro = o->relay;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0)
		die(EXIT_CANNOT, "%s: cannot make the pipes for the command:", o->addr.text);
	if ((cmd_pid = fork()) < 0)
		die(EXIT_CANNOT, "%s: cannot start the command:", o->addr.text);
	if (cmd_pid == 0) {
		if (dup2(to[0], STDIN_FILENO) < 0 || dup2(from[1], STDOUT_FILENO) < 0)
			die(EXIT_CANNOT, "%s: cannot give the command its input and output:", o->addr.text);
		exec_command(o->cmd);
	}
	close(to[0]);
	close(from[1]);
	die_fail_status = EXIT_FAIL; /* the command runs */
	int h = cleanup_push(end_pid, &cmd_pid);
	if (fd_nonblock(c) < 0)
		die(EXIT_FAIL, "%s: cannot make the connection non-blocking:", o->addr.text);
	ro.close_out = true;
	relay(c, from[0], to[1], &ro);
	while (waitpid(cmd_pid, &st, 0) < 0)
		if (errno != EINTR)
			die(EXIT_FAIL, "%s: cannot wait for the command:", o->addr.text);
	cleanup_pop(h, false);
	exit(exit_status_of(st));
}

/* Collect the children that ended, and free their slots. */
static void reap(struct server *s)
{
	sup_handle(&s->sup);
	for (int i = 0; i < s->sup.n; i++) {
		if (!s->sup.done[i] || s->sup.pid[i] == 0)
			continue;
		if (s->o->verbose)
			warn("%s: %s: command exited %d", s->o->addr.text, s->peer[i],
			     s->sup.status[i]);
		s->status = s->sup.status[i];
		sup_forget(&s->sup, i);
	}
}

/* With --idle-timeout: a child that relays for the command (run_idle). */
static pid_t fork_idle(int c, const struct sockpipe_opts *o)
{
	pid_t pid = fork();

	if (pid < 0)
		warn("%s: cannot start the command:", o->addr.text);
	if (pid == 0) {
		/* inherited UCSPI variables go, as on the path without -i */
		environ = sock_ucspi_env(c);
		run_idle(c, o);
	}
	return pid;
}

/* Supervise child pid, started for connection c from peer. */
static void add_kid(struct server *s, pid_t pid, int c, const struct ipaddr *peer)
{
	int i = sup_add(&s->sup, pid);

	if (s->o->verbose)
		sock_peer_text(c, s->peer[i], sizeof s->peer[i]);
	s->addr[i] = *peer;
}

/* --max-per-ip: the commands running for peer's connections. */
static unsigned from_peer(const struct server *s, const struct ipaddr *peer)
{
	unsigned n = 0;

	for (int i = 0; i < s->sup.n; i++)
		n += s->sup.pid[i] != 0 && !s->sup.done[i] && ipaddr_eq(&s->addr[i], peer);
	return n;
}

/*
 * Whether client c from peer is within --max-per-ip; if not, it is
 * refused. The children that ended are reaped first: a client that comes
 * back as soon as its last connection ended is not counted twice.
 */
static bool per_ip_ok(struct server *s, int c, const struct ipaddr *peer)
{
	if (s->o->max_per_ip == 0 || from_peer(s, peer) < s->o->max_per_ip)
		return true;
	reap(s);
	return sockopen_per_ip_ok(c, s->o, from_peer(s, peer));
}

/* Slots for max_conns children, and SIGCHLD through a descriptor. */
static void server_init(struct server *s, struct sockpipe_opts *o)
{
	*s = (struct server){ .o = o };
	if (sup_init(&s->sup, SUP_CHLD_ONLY) < 0)
		die(EXIT_FAIL, "cannot hold SIGCHLD for the commands:");
	sup_reserve(&s->sup, (int)o->max_conns);
	s->peer = xcalloc(o->max_conns, sizeof *s->peer);
	s->addr = xcalloc(o->max_conns, sizeof *s->addr);
	cleanup_push(end_kids, s);
}

/* inetd-style: a child running cmd per connection, at most max_conns at once. */
int sockserve_run(int lfd, struct sockpipe_opts *o)
{
	static struct server s;
	bool served = false;

	server_init(&s, o);
	/* Children are reaped when SIGCHLD says some ended, not on every connection. */
	for (bool full = false, chld = true;;) {
		int before = s.sup.running;
		if (chld)
			reap(&s);
		if (served && !o->keep && s.sup.running == 0)
			return s.status;
		full = full && s.sup.running == before;
		bool accepting = (unsigned)s.sup.running < o->max_conns && (o->keep || !served) && !full;
		struct pollfd p[2] = { { .fd = s.sup.fd, .events = POLLIN },
				       { .fd = lfd, .events = POLLIN } };
		/* Out of descriptors with no child to end: try again shortly. */
		int r = poll(p, accepting ? 2 : 1, full && s.sup.running == 0 ? 100 : -1);
		if (r < 0 && errno != EINTR)
			die(EXIT_FAIL, "%s: cannot wait for connections:", o->addr.text);
		if (r == 0)
			full = false;
		chld = r > 0 && (p[0].revents & POLLIN);
		if (!accepting || !(p[1].revents & POLLIN))
			continue;
		struct ipaddr peer;
		int c = sockopen_accept(o, 0, &peer);
		full = c == -2;
		/* Without --keep, -T still bounds the wait past a refused client. */
		if (c == -1 && errno == EAGAIN && !o->keep)
			sockopen_await(lfd, o);
		if (c < 0 || !per_ip_ok(&s, c, &peer))
			continue;
		pid_t pid = o->relay.idle.ns >= 0 ? fork_idle(c, o)
			: exec_spawn(o->cmd_path, o->cmd, c, sock_ucspi_env(c));
		if (pid < 0 && !o->keep) {
			close(c);
			return errno == ENOENT ? EXIT_NOENT : EXIT_NOEXEC;
		}
		if (pid > 0) {
			add_kid(&s, pid, c, &peer);
			served = true;
			die_fail_status = EXIT_FAIL;
		}
		close(c);
		if (served && !o->keep)
			sockopen_stop_listening(o);
	}
}
