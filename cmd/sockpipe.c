/* SPDX-License-Identifier: ISC */
/* sockpipe: connect standard input and output to a socket. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "alloc.h"
#include "cleanup.h"
#include "deadline.h"
#include "diag.h"
#include "exec.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "record.h"
#include "relay.h"
#include "sockaddr.h"
#include "supervise.h"
#include "tool.h"

static const char usage[] =
"Usage: sockpipe [OPTION]... ADDRESS\n"
"  or:  sockpipe -l [OPTION]... ADDRESS\n"
"  or:  sockpipe -l -e [OPTION]... ADDRESS -- COMMAND [ARG]...\n"
"Relay standard input to a socket and the socket to standard output, both\n"
"ways at once. At end of input the sending side is shut down and the reply\n"
"is read until the peer closes; the peer closing first does not stop the\n"
"sending.\n"
"ADDRESS: unix:PATH (or a PATH with a slash), abstract:NAME, unix-dgram:PATH,\n"
"tcp:HOST:PORT, tcp:[IPV6]:PORT, udp:HOST:PORT; tcp4: tcp6: udp4: udp6: pin\n"
"the family. Datagram sockets carry one record per datagram.\n"
"\n"
"  -0, --null               records end with NUL, not newline (datagrams)\n"
"  -a, --all                the whole input is one record (datagrams)\n"
"  -e, --exec               with -l: run COMMAND for each connection, the\n"
"                           socket as its standard input and output (125 if\n"
"                           sockpipe failed first, 126/127 if it could not\n"
"                           run or was not found)\n"
"  -h, --help               display this help and exit\n"
"  -i, --idle DURATION      stop when nothing has moved for DURATION (status\n"
"                           124); with -k, end each connection idle that long\n"
"  -k, --keep               with -l: serve connections until interrupted\n"
"      --keepalive DURATION tcp: probe a connection idle for DURATION\n"
"                           (default 60s; 0: never)\n"
"  -l, --listen             listen on ADDRESS (loopback unless the host is '*')\n"
"  -m, --mode MODE          permissions of a unix socket file (default 600)\n"
"      --max-conns N        with -k: at most N connections at once (default 64;\n"
"                           a line buffer each of 64 MiB / N, 1 MiB at most)\n"
"      --netstring          records are netstrings, LEN:BYTES, (datagrams;\n"
"                           with -lk, each connection's written whole)\n"
"      --print-port[=FD]    with -l: write the port bound to standard error,\n"
"                           or to descriptor FD (then closed), never into the\n"
"                           data on standard output\n"
"  -q, --quit-on-eof        stop at end of input, once the peer has it, without\n"
"                           waiting for its end (not with -k or -e)\n"
"  -r, --raw                write received records with no terminator\n"
"                           (datagrams)\n"
"  -R, --retry DURATION     keep trying to connect for up to DURATION\n"
"  -T, --timeout DURATION   give up (status 124) if not connected within\n"
"                           DURATION, retries included (not with -k)\n"
"      --user-timeout DURATION\n"
"                           tcp: end a connection whose peer acknowledges\n"
"                           nothing for DURATION (default 60s; 0: never)\n"
"  -v, --verbose            one line per connection on standard error: the\n"
"                           peer, bytes each way, how it ended\n"
"  -V, --version            output version information and exit\n"
"\n"
"With -e, the status is the command's: 126 if it cannot run, 127 if it is\n"
"not found.\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error, 124 timed out; -e: above.\n";

enum { OPT_MAX_CONNS = 0x100, OPT_PRINT_PORT, OPT_KEEPALIVE, OPT_NETSTRING, OPT_USER_TIMEOUT };

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "exec", no_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "idle", required_argument, NULL, 'i' },
	{ "keep", no_argument, NULL, 'k' },
	{ "keepalive", required_argument, NULL, OPT_KEEPALIVE },
	{ "listen", no_argument, NULL, 'l' },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "mode", required_argument, NULL, 'm' },
	{ "netstring", no_argument, NULL, OPT_NETSTRING },
	{ "null", no_argument, NULL, '0' },
	{ "print-port", optional_argument, NULL, OPT_PRINT_PORT },
	{ "quit-on-eof", no_argument, NULL, 'q' },
	{ "raw", no_argument, NULL, 'r' },
	{ "retry", required_argument, NULL, 'R' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "user-timeout", required_argument, NULL, OPT_USER_TIMEOUT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* What the command line asked for, read by every mode. */
struct opts {
	struct sock_spec addr;
	struct relay_opts relay;  /* label, -q, -i */
	bool listen, exec, keep, print_port, verbose;
	int port_fd;               /* --print-port[=FD]: 2 by default */
	bool mode_given, max_given;
	const char *framing;      /* the datagram-only option given, for its message */
	int delim, term;          /* record framing (-0, -a, -r, --netstring) */
	int64_t keepalive_ns, user_timeout_ns; /* tcp; 0: off */
	int64_t timeout_ns, retry_ns;
	const char *timeout_text;
	mode_t mode;
	unsigned max_conns;
	char **cmd;               /* -e: COMMAND [ARG]... */
	pid_t owner;              /* the process that removes the socket file */
};

/* The socket file goes with us, even on a signal; never with a child. */
static void unlink_sock(void *arg)
{
	struct opts *o = arg;

	if (getpid() == o->owner)
		sock_unlink(&o->addr);
}

/* -v: the one line for a stream connection, also when an error ends it. */
struct conn {
	const struct opts *o;
	char peer[64];
	struct relay_stats stats;
	const char *end;
};

static void say_conn(void *arg)
{
	const struct conn *c = arg;

	if (cleanup_in_signal())
		return; /* at exit only, as stdio needs */
	warn("%s: %s: %llu bytes sent, %llu received, ended by %s", c->o->addr.text, c->peer,
	     (unsigned long long)c->stats.sent, (unsigned long long)c->stats.received, c->end);
}

/*
 * --keepalive, --user-timeout: a dead peer or link ends a tcp connection
 * within a bound the user sets, not after the kernel's 15 minutes of
 * retries. Set on the listening socket, they pass to what it accepts.
 */
static void tune_tcp(int fd, const struct opts *o)
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
		die(EXIT_FAIL, "%s: setsockopt:", o->addr.text);
}

/* The connection a failure ends: what it sent that the peer never had. */
static struct { const char *label; int fd; } unacked = { NULL, -1 };

/*
 * At a failed exit, the bytes the kernel still holds unacknowledged
 * (SIOCOUTQ) left this process but may never have reached the peer: say
 * how many, so the user knows a gap exists.
 */
static void say_unacked(void *arg)
{
	int n = 0;

	(void)arg;
	/* TCP only: on a unix socket SIOCOUTQ counts buffer memory, not bytes
	 * (775 for a 7-byte line left unread). */
	if (cleanup_in_signal() || unacked.fd < 0 || sock_family(unacked.fd) == AF_UNIX
	    || ioctl(unacked.fd, SIOCOUTQ, &n) < 0 || n <= 0)
		return;
	warn("%s: %d bytes sent were never acknowledged by the peer (lost if the link is gone)",
	     unacked.label, n);
}

/* Run the relay over a connected stream socket. */
static int stream(int fd, const struct opts *o)
{
	static struct conn conn = { .end = "an error (above)" };
	struct relay_opts ro = o->relay;
	int h = cleanup_push(say_unacked, NULL);

	unacked.label = o->addr.text;
	unacked.fd = fd;

	if (o->verbose) {
		conn.o = o;
		sock_peer_text(fd, conn.peer, sizeof conn.peer);
		ro.stats = &conn.stats;
		cleanup_push(say_conn, &conn);
	}
	relay(fd, STDIN_FILENO, STDOUT_FILENO, &ro);
	conn.end = "the end of both streams";
	cleanup_pop(h, false);
	close(fd);
	return 0;
}

/* A datagram socket's state: the peer it answers, its buffers. */
struct dgram {
	int fd;
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
			  const struct opts *o, int64_t last)
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

static void send_record(struct dgram *d, const struct opts *o, int64_t last)
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
		die(EXIT_FAIL, "%s: send:", o->addr.text);
	}
}

/*
 * Receive one datagram and write it out as a record. False if it came
 * from another sender than the one -l answers: dropped, as if not seen.
 */
static bool recv_record(struct dgram *d, const struct opts *o)
{
	ssize_t n = recv(d->fd, d->buf, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);

	if (n > (ssize_t)d->cap)
		d->buf = xreallocarray(d->buf, d->cap = (size_t)n, 1);
	/*
	 * -l locks onto its first sender: the others' datagrams are
	 * dropped, as socat and nc -u -l do; -lk answers the latest.
	 */
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof from;
	n = n < 0 ? n : recvfrom(d->fd, d->buf, d->cap, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		die(EXIT_FAIL, "%s: receive:", o->addr.text);
	if (n < 0)
		return true;
	if (d->listening && !o->keep && d->peerlen > 0
	    && (fromlen != d->peerlen || memcmp(&from, &d->peer, fromlen) != 0))
		return false;
	if (d->listening && (o->keep || d->peerlen == 0)) {
		d->peer = from;
		d->peerlen = fromlen;
	}
	if (rec_write(&d->out, d->buf, (size_t)n) < 0 || rec_flush(&d->out) < 0)
		die_stdout();
	return true;
}

/* Datagrams: each record of stdin is one datagram, each one received a record. */
static int dgram(int fd, bool listening, const struct opts *o)
{
	struct dgram d = { .fd = fd, .listening = listening, .connected = !listening,
			   .cap = 65536, .max = dgram_max(fd) };
	int64_t last = now_ns();

	d.buf = xmalloc(d.cap);
	rec_reader_init(&d.in, STDIN_FILENO, o->delim, d.max);
	rec_writer_init(&d.out, STDOUT_FILENO, o->term);
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = STDIN_FILENO, .events = POLLIN } };
		bool can_send = d.connected || d.peerlen > 0;
		relay_idle_check(&o->relay, last);
		int r = poll(p, d.in.done || !can_send ? 1 : 2, relay_idle_ms(&o->relay, last));
		if (r < 0 && errno != EINTR)
			die(EXIT_FAIL, "%s: cannot wait for datagrams:", o->addr.text);
		if (r > 0 && p[0].revents) {
			if (!recv_record(&d, o))
				continue;
			last = now_ns();
		}
		if (r > 0 && p[1].revents && !d.in.done) {
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

/*
 * accept4 for a -k server. Out of descriptors (EMFILE, ENFILE) it says so
 * once and returns -2: the caller stops accepting until a connection ends
 * (the kernel keeps the others in the backlog), never spinning on it.
 */
static int accept_conn(int lfd, int flags, const struct opts *o)
{
	static bool said;
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | flags);

	if (c >= 0 || errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
		return c;
	if (errno != EMFILE && errno != ENFILE) {
		warn("%s: accept:", o->addr.text);
		return -1;
	}
	if (!said)
		warn("%s: accept: %s; waiting for a connection to end", o->addr.text, strerror(errno));
	said = true;
	return -2;
}

/* --max-conns no larger than the descriptors left under RLIMIT_NOFILE. */
static void cap_conns(struct opts *o)
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

/* -e: the children running the command, one per connection. */
struct server {
	struct opts *o;
	struct supervisor sup;    /* a slot per child running */
	char (*peer)[64];         /* -v: each slot's peer */
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
 * In a connection's child, with -i: the command talks to pipes that this
 * process relays to the connection, so that -i can end an idle one (the
 * command gets SIGTERM, the child exits 124). Exits with the command's
 * status otherwise.
 */
static noreturn void run_idle(int c, const struct opts *o)
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
		die(EXIT_FAIL, "%s: fcntl:", o->addr.text);
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

/*
 * A single-connection listener, once it has its connection, stops
 * listening: a second client is refused (and retries with -R) rather
 * than accepted by the kernel and reset later. The socket file goes too.
 */
static void stop_listening(int lfd, struct opts *o)
{
	close(lfd);
	unlink_sock(o);
	o->addr.made_file = false;
}

/* With -i: a child that relays for the command (run_idle). */
static pid_t fork_idle(int c, const struct opts *o)
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

/* Supervise child pid, started for connection c. */
static void add_kid(struct server *s, pid_t pid, int c)
{
	int i = sup_add(&s->sup, pid);

	if (s->o->verbose)
		sock_peer_text(c, s->peer[i], sizeof s->peer[i]);
}

/* Slots for max_conns children, and SIGCHLD through a descriptor. */
static void server_init(struct server *s, struct opts *o)
{
	*s = (struct server){ .o = o };
	if (sup_init(&s->sup, SUP_CHLD_ONLY) < 0)
		die(EXIT_FAIL, "cannot hold SIGCHLD for the commands:");
	sup_reserve(&s->sup, (int)o->max_conns);
	s->peer = xcalloc(o->max_conns, sizeof *s->peer);
	cleanup_push(end_kids, s);
}

/* inetd-style: a child running cmd per connection, at most max_conns at once. */
static int serve_exec(int lfd, struct opts *o)
{
	static struct server s;
	bool served = false;

	server_init(&s, o);
	for (bool full = false;;) {
		int before = s.sup.running;
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
		if (!accepting || !(p[1].revents & POLLIN))
			continue;
		int c = accept_conn(lfd, 0, o);
		full = c == -2;
		if (c < 0)
			continue;
		pid_t pid = o->relay.idle_ns >= 0 ? fork_idle(c, o) : exec_spawn(o->cmd, c, sock_ucspi_env(c));
		if (pid < 0 && !o->keep) {
			close(c);
			return errno == ENOENT ? EXIT_NOENT : EXIT_NOEXEC;
		}
		if (pid > 0) {
			add_kid(&s, pid, c);
			served = true;
			die_fail_status = EXIT_FAIL;
		}
		close(c);
		if (served && !o->keep)
			stop_listening(lfd, o);
	}
}

/*
 * A -lk sink holds at most 64 MiB of partial lines in all: each of
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
};

/* The longest netstring a --netstring -lk sink holds, as a queue's messages. */
#define NS_MAX ((size_t)16 << 20)
static const struct opts *ns_sink; /* --netstring -lk */

/* Room for the next read, up to a whole netstring of NS_MAX. */
static void grow_ns(struct client *c)
{
	if (c->len + 1 >= c->cap && c->cap < 2 * NS_MAX)
		c->buf = xreallocarray(c->buf, c->cap = c->cap ? c->cap * 2 : 65536, 1);
}

/*
 * --netstring -lk: write out c's whole netstrings, so that clients'
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
static bool read_client(struct client *c, const struct opts *o)
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
		warn("%s: client %d: receive:", o->addr.text, c->fd);
	return false;
}

/* Write out what is left of an ended client and let it go. */
static void end_client(struct client *c, bool idle, const struct opts *o)
{
	drain(c, true);
	if (o->verbose)
		warn("%s: %s: %llu bytes received, ended by %s", o->addr.text, c->peer,
		     (unsigned long long)c->got, idle && !c->end ? "--idle" : c->end);
	close(c->fd);
	free(c->buf);
}

/* Milliseconds until the first client passes -i (idle per connection). */
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

/* A log sink: many clients at once, their lines written whole. */
static int serve_lines(int lfd, const struct opts *o)
{
	struct pollfd *p = xcalloc(o->max_conns + 1, sizeof *p);
	struct client *cl = xcalloc(o->max_conns + 1, sizeof *cl);
	int64_t idle_ns = o->relay.idle_ns;
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
			int c = accept_conn(lfd, SOCK_NONBLOCK, o);
			if (c >= 0) {
				cl[n] = (struct client){ .fd = c, .last = now };
				if (o->verbose)
					sock_peer_text(c, cl[n].peer, sizeof cl[n].peer);
				p[n++].fd = c;
			}
			full = c == -2;
		}
	}
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
static int connect_mode(struct opts *o)
{
	struct deadline tdl, rdl;
	int64_t delay = NS_PER_SEC / 100;

	deadline_start(&tdl, o->timeout_ns);
	deadline_start(&rdl, o->retry_ns);
	for (;;) {
		int fd = sock_connect(&o->addr, &tdl);
		if (fd >= 0)
			tune_tcp(fd, o);
		if (fd >= 0)
			return o->addr.type == SOCK_DGRAM ? dgram(fd, false, o) : stream(fd, o);
		if (deadline_passed(&tdl))
			die(EXIT_TIMEOUT, "%s: not connected within %s", o->addr.text, o->timeout_text);
		if (o->retry_ns < 0 || deadline_passed(&rdl)
		    || (o->addr.gai && !may_resolve_later(o->addr.gai))) {
			sock_warn(&o->addr, "connect");
			exit(EXIT_FAIL);
		}
		deadline_backoff(deadline_left(&rdl) < deadline_left(&tdl) ? &rdl : &tdl,
				 &delay, NS_PER_SEC / 2);
	}
}

/* Without -k: wait (-T bounded) for the one client. */
static void await_client(int lfd, const struct opts *o)
{
	struct deadline dl;
	int r;

	deadline_start(&dl, o->timeout_ns);
	while ((r = wait_fd(lfd, POLLIN, deadline_poll_ms(&dl))) < 0 && errno == EINTR)
		continue;
	if (r == 0)
		die(EXIT_TIMEOUT, "%s: no connection within %s", o->addr.text, o->timeout_text);
	if (r < 0)
		die(EXIT_FAIL, "%s: cannot wait for a connection:", o->addr.text);
}

static int listen_mode(struct opts *o)
{
	int st;

	if (o->exec && (st = exec_check(o->cmd[0])) != 0)
		return st;
	/* Until a command runs, -e's own failures are 125, as timeout(1)'s. */
	if (o->exec)
		die_fail_status = EXIT_CANNOT;
	cleanup_push(unlink_sock, o);
	/* INT, TERM and HUP remove the file even where they came ignored
	 * (a background job's SIGINT): a listener is stopped with them. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	cleanup_on_signals();
	int lfd = sock_listen(&o->addr, o->mode, SOMAXCONN);
	if (lfd < 0) {
		sock_warn(&o->addr, "listen");
		return die_fail_status;
	}
	tune_tcp(lfd, o);
	if (o->print_port) {
		char b[16];
		int n = snprintf(b, sizeof b, "%d\n", sock_port(lfd));
		if (write_all(o->port_fd, b, (size_t)n) < 0) {
			if (o->port_fd == STDOUT_FILENO)
				die_stdout();
			die(EXIT_FAIL, "--print-port: descriptor %d: write error:", o->port_fd);
		}
		/* A reader of FD (a FIFO, $(...)) sees its end; -e's commands never get it. */
		if (o->port_fd > STDERR_FILENO)
			close(o->port_fd);
	}
	if (!o->keep)
		await_client(lfd, o);
	if (o->addr.type == SOCK_DGRAM)
		return dgram(lfd, true, o);
	if (o->exec)
		return serve_exec(lfd, o);
	if (fd_nonblock(lfd) < 0)
		die(EXIT_FAIL, "%s: fcntl:", o->addr.text);
	if (o->keep)
		return serve_lines(lfd, o);
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		die(EXIT_FAIL, "%s: accept:", o->addr.text);
	stop_listening(lfd, o);
	return stream(c, o);
}

/*
 * '-': operands come in order, so parsing stops at the first one after
 * the address: the command's options are its own, with or without "--".
 */
static const char optstring[] = "-:0aehi:klm:qrR:T:vV";

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (o->addr.text) {
				optind--; /* the command */
				goto operands;
			}
			sock_arg(optarg, &o->addr);
			break;
		case '0': o->delim = o->term = '\0'; o->framing = "null"; break;
		case 'a': o->delim = REC_WHOLE; o->framing = "all"; break;
		case 'e': o->exec = true; break;
		case 'h': print_usage(usage);
		case 'i':
			o->relay.idle_ns = arg_duration("--idle", optarg);
			o->relay.idle_text = optarg;
			break;
		case 'k': o->keep = true; break;
		case OPT_KEEPALIVE: o->keepalive_ns = arg_duration("--keepalive", optarg); break;
		case 'l': o->listen = true; break;
		case 'm': o->mode = arg_mode("--mode", optarg); o->mode_given = true; break;
		case OPT_MAX_CONNS:
			o->max_conns = (unsigned)arg_u64("--max-conns", optarg, 1, 4096);
			o->max_given = true;
			break;
		case OPT_NETSTRING:
			o->delim = o->term = REC_NETSTRING;
			o->framing = "netstring";
			break;
		case OPT_PRINT_PORT:
			o->print_port = true;
			o->port_fd = optarg ? (int)arg_u64("--print-port", optarg, 1, 65535) : STDERR_FILENO;
			if (fcntl(o->port_fd, F_GETFD) < 0)
				usage_error("--print-port: %d is not an open file descriptor", o->port_fd);
			break;
		case 'q': o->relay.quit_on_eof = true; break;
		case 'r': o->term = REC_RAW; o->framing = "raw"; break;
		case 'R': o->retry_ns = arg_duration("--retry", optarg); break;
		case 'T':
			o->timeout_ns = arg_duration("--timeout", optarg);
			o->timeout_text = optarg;
			break;
		case OPT_USER_TIMEOUT:
			o->user_timeout_ns = arg_duration("--user-timeout", optarg);
			break;
		case 'v': o->verbose = true; break;
		case 'V': print_version();
		default: usage_bad_option(argc, argv, optstring, c);
		}
	}
	if (!o->addr.text) {
		if (optind >= argc)
			usage_error("missing ADDRESS");
		sock_arg(argv[optind++], &o->addr);
	}
operands:
	o->cmd = argv + optind;
}

/* Options that do not go together, or not with this address. */
static void check(const struct opts *o)
{
	if (o->exec && !*o->cmd)
		usage_error("--exec: missing COMMAND after the address");
	if (!o->exec && *o->cmd)
		usage_error("extra operand '%s' (a command needs --exec)", *o->cmd);
	if (!o->listen && (o->keep || o->exec || o->print_port))
		usage_error("--%s needs --listen", o->keep ? "keep" : o->exec ? "exec" : "print-port");
	if (o->listen && o->retry_ns >= 0)
		usage_error("--retry is for connecting, not with --listen");
	if (o->print_port && o->addr.family == AF_UNIX)
		usage_error("--print-port needs a tcp or udp address");
	if (o->exec && o->addr.type == SOCK_DGRAM)
		usage_error("--exec needs a stream address, not %s", o->addr.text);
	if (!o->listen && o->mode_given)
		usage_error("--mode needs --listen");
	if (o->max_given && !o->keep)
		usage_error("--max-conns needs --keep");
	if (o->mode_given && (o->addr.family != AF_UNIX || o->addr.abstract))
		usage_error("--mode is for a unix socket file, not %s", o->addr.text);
	/* -T bounds the wait for one connection; -k waits for ever. */
	if (o->keep && o->timeout_ns >= 0)
		usage_error("--timeout is for one connection, not with --keep");
	if (o->relay.quit_on_eof && (o->keep || o->exec))
		usage_error("--quit-on-eof is about standard input, which --%s does not read",
			    o->exec ? "exec" : "keep");
	/* --netstring also frames what a -lk sink writes (whole records). */
	bool sink = o->delim == REC_NETSTRING && o->listen && o->keep && !o->exec;
	if (o->framing && o->addr.type != SOCK_DGRAM && !sink)
		usage_error("--%s is for datagram addresses%s, not %s", o->framing,
			    o->delim == REC_NETSTRING ? " and -lk" : "", o->addr.text);
	/* The streams this run reads and writes must be open (-k needs no input). */
	if (!o->exec && !o->keep)
		need_std(STDIN_FILENO);
	if (!o->exec || (o->print_port && o->port_fd == STDOUT_FILENO))
		need_std(STDOUT_FILENO);
}

int main(int argc, char **argv)
{
	static struct opts o = {
		.relay = { .idle_ns = -1 },
		.delim = '\n', .term = '\n',
		.timeout_ns = -1, .retry_ns = -1,
		.keepalive_ns = 60 * NS_PER_SEC, .user_timeout_ns = 60 * NS_PER_SEC,
		.mode = 0600, .max_conns = 64,
	};

	tool_init("sockpipe");
	parse(argc, argv, &o);
	check(&o);
	if (o.listen && o.keep)
		cap_conns(&o);
	o.relay.label = o.addr.text;
	o.owner = getpid();
	return o.listen ? listen_mode(&o) : connect_mode(&o);
}
