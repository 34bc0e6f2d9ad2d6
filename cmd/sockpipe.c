/* SPDX-License-Identifier: ISC */
/* sockpipe: connect standard input and output to a socket. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "deadline.h"
#include "diag.h"
#include "exec.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "record.h"
#include "relay.h"
#include "sockaddr.h"
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
"  -0, --null              records end with NUL, not newline (datagrams)\n"
"  -a, --all               the whole input is one record (datagrams)\n"
"  -e, --exec              with -l: run COMMAND for each connection, the\n"
"                          socket as its standard input and output\n"
"  -h, --help              display this help and exit\n"
"  -i, --idle DURATION     stop when nothing has moved for DURATION (status 124);\n"
"                          with -k, end each connection idle that long\n"
"  -k, --keep              with -l: serve connections until interrupted\n"
"  -l, --listen            listen on ADDRESS (loopback unless the host is '*')\n"
"  -m, --mode MODE         permissions of a unix socket file (default 600)\n"
"      --max-conns N       with -k: at most N connections at once (default 64)\n"
"      --print-port        with -l: write the port bound to standard output first\n"
"  -q, --quit-on-eof       stop at end of input, without waiting for the peer\n"
"  -r, --raw               write received records with no terminator (datagrams)\n"
"  -R, --retry DURATION    keep trying to connect for up to DURATION\n"
"  -T, --timeout DURATION  give up (status 124) if not connected within DURATION,\n"
"                          retries included\n"
"  -v, --verbose           one line per connection on standard error: the peer,\n"
"                          bytes each way, how it ended\n"
"  -V, --version           output version information and exit\n";

enum { OPT_MAX_CONNS = 0x100, OPT_PRINT_PORT };

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "exec", no_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "idle", required_argument, NULL, 'i' },
	{ "keep", no_argument, NULL, 'k' },
	{ "listen", no_argument, NULL, 'l' },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "mode", required_argument, NULL, 'm' },
	{ "null", no_argument, NULL, '0' },
	{ "print-port", no_argument, NULL, OPT_PRINT_PORT },
	{ "quit-on-eof", no_argument, NULL, 'q' },
	{ "raw", no_argument, NULL, 'r' },
	{ "retry", required_argument, NULL, 'R' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static struct sock_spec addr;
static struct relay_opts ropt = { .idle_ns = -1 };
static bool keep, quit, print_port;
static int delim = '\n', term = '\n';
static int64_t timeout_ns = -1, retry_ns = -1;
static const char *timeout_text;
static pid_t owner;
static pid_t *kids;
static unsigned max_conns = 64, nkids;
static int chld_pipe[2] = { -1, -1 };

/* The socket file goes with us, even on SIGINT and SIGTERM. */
static void cleanup(void)
{
	if (getpid() == owner)
		sock_unlink(&addr);
}

static void on_signal(int sig)
{
	cleanup();
	for (unsigned i = 0; kids && i < max_conns; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_chld(int sig)
{
	int e = errno;
	(void)sig;
	if (write(chld_pipe[1], "", 1) < 0) {
		/* full: a wake-up is already pending */
	}
	errno = e;
}

static void catch(int sig, void (*fn)(int))
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static bool verbose;
static char conn_peer[64];
static struct relay_stats conn_stats;
static const char *conn_end = "an error (above)";

/* -v: the one line for the connection, also when an error ends it. */
static void say_conn(void)
{
	warn("%s: %s: %llu bytes sent, %llu received, ended by %s", addr.text, conn_peer,
	     (unsigned long long)conn_stats.sent, (unsigned long long)conn_stats.received, conn_end);
}

/* Run the relay over a connected stream socket. */
static int stream(int fd)
{
	if (verbose) {
		sock_peer_text(fd, conn_peer, sizeof conn_peer);
		ropt.stats = &conn_stats;
		atexit(say_conn);
	}
	relay(fd, STDIN_FILENO, STDOUT_FILENO, &ropt);
	conn_end = "the end of both streams";
	close(fd);
	return 0;
}

static int poll_ms(int64_t deadline)
{
	if (ropt.idle_ns < 0)
		return -1;
	int64_t left = deadline - now_ns();
	if (left <= 0)
		die(EXIT_TIMEOUT, "%s: nothing moved for %s", addr.text, ropt.idle_text);
	return (int)((left + 999999) / 1000000);
}

/* A whole record (or the end) waits in r's buffer: no read would block. */
static bool buffered(const struct rec_reader *r)
{
	return !r->done && (r->eof || (r->delim != REC_WHOLE && r->end > r->start
		&& memchr(r->buf + r->start, r->delim, r->end - r->start)));
}

static void send_record(int fd, struct rec_reader *in, bool connected,
			const struct sockaddr_storage *peer, socklen_t peerlen, size_t max)
{
	char *rec;
	size_t len;
	int got = rec_read(in, &rec, &len);

	if (got == REC_TOOBIG)
		die(EXIT_FAIL, "%s: record %llu is %zu bytes; a datagram takes at most %zu",
		    addr.text, (unsigned long long)in->count, len, max);
	if (got < 0)
		die(EXIT_FAIL, "standard input: read error:");
	if (got > 0 && (connected ? send(fd, rec, len, 0)
			: sendto(fd, rec, len, 0, (const struct sockaddr *)peer, peerlen)) < 0) {
		if (errno == EMSGSIZE)
			die(EXIT_FAIL, "%s: record %llu is %zu bytes; more than a datagram here can carry",
			    addr.text, (unsigned long long)in->count, len);
		die(EXIT_FAIL, "%s: send:", addr.text);
	}
}

/* Datagrams: each record of stdin is one datagram, each one received a record. */
static int dgram(int fd, bool listening)
{
	struct rec_reader in;
	struct rec_writer out;
	struct sockaddr_storage peer;
	socklen_t peerlen = 0;
	bool connected = !listening;
	size_t max = sock_family(fd) == AF_INET6 ? 65527 : 65507;
	size_t cap = 65536;
	char *buf = malloc(cap);
	int64_t last = now_ns();

	if (sock_family(fd) == AF_UNIX) {
		/* Linux takes a unix datagram of up to the send buffer less 32. */
		int sndbuf = 0;
		socklen_t len = sizeof sndbuf;
		getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len);
		max = sndbuf > 32 ? (size_t)sndbuf - 32 : SIZE_MAX;
	}
	rec_reader_init(&in, STDIN_FILENO, delim, max);
	rec_writer_init(&out, STDOUT_FILENO, term);
	if (!buf)
		die(EXIT_FAIL, "out of memory");
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = STDIN_FILENO, .events = POLLIN } };
		bool can_send = connected || peerlen > 0;
		int r = poll(p, in.done || !can_send ? 1 : 2, poll_ms(last + ropt.idle_ns));
		if (r < 0 && errno != EINTR)
			die(EXIT_FAIL, "poll:");
		if (r > 0 && p[0].revents) {
			ssize_t n = recv(fd, buf, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
			if (n > (ssize_t)cap && (buf = realloc(buf, cap = (size_t)n)) == NULL)
				die(EXIT_FAIL, "out of memory");
			/*
			 * -l locks onto its first sender: the others' datagrams are
			 * dropped, as socat and nc -u -l do; -lk answers the latest.
			 */
			struct sockaddr_storage from;
			socklen_t fromlen = sizeof from;
			n = n < 0 ? n : recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				die(EXIT_FAIL, "%s: receive:", addr.text);
			if (n >= 0 && listening && !keep && peerlen > 0
			    && (fromlen != peerlen || memcmp(&from, &peer, fromlen) != 0))
				continue;
			if (n >= 0 && listening && (keep || peerlen == 0)) {
				peer = from;
				peerlen = fromlen;
			}
			if (n >= 0 && (rec_write(&out, buf, (size_t)n) < 0 || rec_flush(&out) < 0))
				die_stdout();
			last = now_ns();
		}
		if (r > 0 && p[1].revents && !in.done) {
			do
				send_record(fd, &in, connected, &peer, peerlen, max);
			while (buffered(&in));
			last = now_ns();
		}
		if (in.done && quit)
			break;
	}
	rec_reader_free(&in);
	rec_writer_free(&out);
	free(buf);
	return 0;
}

/* 0 if argv[0] can be run, else the status exec would give, with a message. */
static int check_command(const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	struct stat st;
	int status = EXIT_NOENT;

	if (strchr(name, '/') || !path) {
		if (stat(name, &st) < 0)
			goto missing;
		if (S_ISDIR(st.st_mode) || access(name, X_OK) < 0) {
			errno = S_ISDIR(st.st_mode) ? EACCES : errno;
			warn("%s: cannot run:", name);
			return EXIT_NOEXEC;
		}
		return 0;
	}
	for (const char *p = path;; p = strchr(p, ':') + 1) {
		int n = (int)strcspn(p, ":");
		snprintf(buf, sizeof buf, "%.*s%s%s", n, n ? p : ".", "/", name);
		if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return 0;
			status = EXIT_NOEXEC;
		}
		if (p[n] == '\0')
			break;
	}
	errno = status == EXIT_NOEXEC ? EACCES : ENOENT;
missing:
	warn("%s: cannot run:", name);
	return status;
}

/*
 * accept4 for a -k server. Out of descriptors (EMFILE, ENFILE) it says so
 * once and returns -2: the caller stops accepting until a connection ends
 * (the kernel keeps the others in the backlog), never spinning on it.
 */
static int accept_conn(int lfd, int flags)
{
	static bool said;
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | flags);

	if (c >= 0 || errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
		return c;
	if (errno != EMFILE && errno != ENFILE) {
		warn("%s: accept:", addr.text);
		return -1;
	}
	if (!said)
		warn("%s: accept: %s; waiting for a connection to end", addr.text, strerror(errno));
	said = true;
	return -2;
}

/* --max-conns no larger than the descriptors left under RLIMIT_NOFILE. */
static void cap_conns(bool given)
{
	struct rlimit rl;
	int lowest = fcntl(0, F_DUPFD_CLOEXEC, 0); /* the lowest free descriptor */

	if (lowest < 0 || getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return;
	close(lowest);
	/* a spare pair for the relay pipes of -e -i and a child's pipe */
	rlim_t room = rl.rlim_cur > (rlim_t)lowest + 3 ? rl.rlim_cur - (rlim_t)lowest - 3 : 1;
	if (room >= max_conns)
		return;
	if (given)
		warn("--max-conns %u: the descriptor limit (%llu) allows %llu", max_conns,
		     (unsigned long long)rl.rlim_cur, (unsigned long long)room);
	max_conns = (unsigned)room;
}

static pid_t idle_cmd;
static char (*kid_peer)[64]; /* -v: each child's peer */

static void end_idle_cmd(void)
{
	if (idle_cmd > 0)
		kill(idle_cmd, SIGTERM);
}

/*
 * In a connection's child, with -i: the command talks to pipes that this
 * process relays to the connection, so that -i can end an idle one (the
 * command gets SIGTERM, the child exits 124). Exits with the command's
 * status otherwise.
 */
static noreturn void run_idle(int c, char **cmd)
{
	int to[2], from[2], st;
	struct relay_opts o = ropt;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0)
		die(EXIT_CANNOT, "pipe:");
	if ((idle_cmd = fork()) < 0)
		die(EXIT_CANNOT, "fork:");
	if (idle_cmd == 0) {
		if (dup2(to[0], STDIN_FILENO) < 0 || dup2(from[1], STDOUT_FILENO) < 0)
			die(EXIT_CANNOT, "dup2:");
		exec_command(cmd);
	}
	close(to[0]);
	close(from[1]);
	atexit(end_idle_cmd);
	if (fcntl(c, F_SETFL, O_NONBLOCK) < 0)
		die(EXIT_FAIL, "%s: fcntl:", addr.text);
	o.close_out = true;
	relay(c, from[0], to[1], &o);
	while (waitpid(idle_cmd, &st, 0) < 0)
		if (errno != EINTR)
			die(EXIT_FAIL, "waitpid:");
	idle_cmd = 0;
	exit(exit_status_of(st));
}

static void reap(int *last_status)
{
	int st;
	pid_t pid;
	char c;

	while (read(chld_pipe[0], &c, 1) > 0)
		continue;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (unsigned i = 0; i < max_conns; i++)
			if (kids[i] == pid) {
				kids[i] = 0;
				if (verbose)
					warn("%s: %s: command exited %d", addr.text, kid_peer[i],
					     exit_status_of(st));
			}
		nkids--;
		*last_status = exit_status_of(st);
	}
}

/*
 * A single-connection listener, once it has its connection, stops
 * listening: a second client is refused (and retries with -R) rather
 * than accepted by the kernel and reset later. The socket file goes too.
 */
static void stop_listening(int lfd)
{
	close(lfd);
	cleanup();
	addr.made_file = false;
}

/* The environment for a connection's command: ours, the UCSPI names replaced. */
static char **conn_env(int c)
{
	static char vars[SOCK_UCSPI_N][SOCK_UCSPI_LEN];
	static char **env;
	static size_t cap;
	size_t n = 0, nenv = 0;

	while (environ[nenv])
		nenv++;
	if (cap < nenv + SOCK_UCSPI_N + 1) {
		cap = nenv + SOCK_UCSPI_N + 1;
		if (!(env = realloc(env, cap * sizeof *env)))
			die(EXIT_FAIL, "out of memory");
	}
	for (size_t i = 0; i < nenv; i++)
		if (!sock_ucspi_name(environ[i]))
			env[n++] = environ[i];
	for (int i = 0, k = sock_ucspi_vars(c, vars); i < k; i++)
		env[n++] = vars[i];
	env[n] = NULL;
	return env;
}

/*
 * Start cmd on connection c with posix_spawn (a vfork: nothing to copy,
 * the connection rate's cost), c as its stdin and stdout, the signals a
 * command expects. Returns its PID, or -1 with a message and errno.
 */
static pid_t spawn_conn(int c, char **cmd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	pid_t pid;

	/* exec resets caught signals; of ours only an ignored SIGPIPE would stay */
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, c, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, c, STDOUT_FILENO);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	int e = posix_spawnp(&pid, cmd[0], &fa, &at, cmd, conn_env(c));
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e == 0)
		return pid;
	errno = e;
	warn("%s: cannot run:", cmd[0]);
	errno = e;
	return -1;
}

/* With -i: a child that relays for the command (run_idle). */
static pid_t fork_idle(int c, char **cmd)
{
	pid_t pid = fork();

	if (pid < 0)
		warn("fork:");
	if (pid == 0) {
		static char vars[SOCK_UCSPI_N][SOCK_UCSPI_LEN];
		for (int i = 0, k = sock_ucspi_vars(c, vars); i < k; i++)
			putenv(vars[i]);
		run_idle(c, cmd);
	}
	return pid;
}

/* inetd-style: a child running cmd per connection, at most max_conns at once. */
static int serve_exec(int lfd, char **cmd)
{
	int status = 0;
	bool served = false;

	if (pipe2(chld_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		die(EXIT_FAIL, "pipe:");
	kids = calloc(max_conns, sizeof *kids);
	kid_peer = calloc(max_conns, sizeof *kid_peer);
	if (!kids || !kid_peer)
		die(EXIT_FAIL, "out of memory");
	catch(SIGCHLD, on_chld);
	for (bool full = false;;) {
		unsigned before = nkids;
		reap(&status);
		if (served && !keep && nkids == 0)
			return status;
		full = full && nkids == before;
		bool accepting = nkids < max_conns && (keep || !served) && !full;
		struct pollfd p[2] = { { .fd = chld_pipe[0], .events = POLLIN },
				       { .fd = lfd, .events = POLLIN } };
		/* Out of descriptors with no child to end: try again shortly. */
		int r = poll(p, accepting ? 2 : 1, full && nkids == 0 ? 100 : -1);
		if (r < 0 && errno != EINTR)
			die(EXIT_FAIL, "poll:");
		if (r == 0)
			full = false;
		if (!accepting || !(p[1].revents & POLLIN))
			continue;
		int c = accept_conn(lfd, 0);
		full = c == -2;
		if (c < 0)
			continue;
		pid_t pid = ropt.idle_ns >= 0 ? fork_idle(c, cmd) : spawn_conn(c, cmd);
		if (pid < 0 && !keep) {
			close(c);
			return errno == ENOENT ? EXIT_NOENT : EXIT_NOEXEC;
		}
		if (pid > 0) {
			for (unsigned i = 0; i < max_conns; i++)
				if (kids[i] == 0) {
					kids[i] = pid;
					if (verbose)
						sock_peer_text(c, kid_peer[i], sizeof kid_peer[i]);
					break;
				}
			nkids++;
			served = true;
		}
		close(c);
		if (served && !keep)
			stop_listening(lfd);
	}
}

#define LINE_MAX_BYTES (1 << 20) /* longer lines are written in pieces */

struct client {
	int fd;
	char *buf;
	size_t len, cap;
	int64_t last; /* when it last sent something */
	uint64_t got; /* -v: bytes received */
	const char *end;
	char peer[64];
};

/* Write out c's whole lines; all of it (a newline added) at its end. */
static void drain(struct client *c, bool end)
{
	char *nl = c->len ? memrchr(c->buf, '\n', c->len) : NULL;
	bool full = c->cap >= LINE_MAX_BYTES && c->len + 1 >= c->cap;
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
static bool read_client(struct client *c)
{
	if (c->len + 1 >= c->cap) {
		if (c->cap >= LINE_MAX_BYTES)
			drain(c, false); /* a line longer than 1 MiB goes in pieces */
		else if (!(c->buf = realloc(c->buf, c->cap = c->cap ? c->cap * 2 : 65536)))
			die(EXIT_FAIL, "out of memory");
	}
	ssize_t got = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
	if (got > 0) {
		c->len += (size_t)got;
		c->got += (uint64_t)got;
		c->last = now_ns();
		drain(c, false);
		return true;
	}
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	c->end = got < 0 ? "an error (above)" : "the end of its stream";
	if (got < 0)
		warn("%s: client %d: receive:", addr.text, c->fd);
	return false;
}

/* Milliseconds until the first client passes -i (idle per connection). */
static int next_idle_ms(const struct client *cl, unsigned n)
{
	int64_t first = INT64_MAX, now = now_ns();

	if (ropt.idle_ns < 0)
		return -1;
	for (unsigned i = 1; i < n; i++)
		if (cl[i].last + ropt.idle_ns < first)
			first = cl[i].last + ropt.idle_ns;
	if (first == INT64_MAX)
		return -1;
	return first <= now ? 0 : (int)((first - now + 999999) / 1000000);
}

/* A log sink: many clients at once, their lines written whole. */
static int serve_lines(int lfd)
{
	struct pollfd *p = calloc(max_conns + 1, sizeof *p);
	struct client *cl = calloc(max_conns + 1, sizeof *cl);
	unsigned n = 1;
	bool full = false;

	if (!p || !cl)
		die(EXIT_FAIL, "out of memory");
	p[0].fd = lfd;
	for (;;) {
		bool accepting = n <= max_conns && !full;
		for (unsigned i = 0; i < n; i++)
			p[i].events = POLLIN;
		/* Out of descriptors with no client to end: try again shortly. */
		int r = poll(p + !accepting, n - !accepting, full && n == 1 ? 100 : next_idle_ms(cl, n));
		if (r < 0 && errno != EINTR)
			die(EXIT_FAIL, "poll:");
		if (full && n == 1)
			full = false;
		int64_t now = now_ns();
		for (unsigned i = n; i-- > 1;) {
			struct client *c = &cl[i];
			bool idle = ropt.idle_ns >= 0 && now - c->last >= ropt.idle_ns;
			if (r > 0 && p[i].revents && read_client(c))
				continue;
			if (!(r > 0 && p[i].revents) && !idle)
				continue;
			drain(c, true);
			if (verbose)
				warn("%s: %s: %llu bytes received, ended by %s", addr.text, c->peer,
				     (unsigned long long)c->got, idle && !c->end ? "-i" : c->end);
			close(c->fd);
			free(c->buf);
			cl[i] = cl[--n];
			p[i] = p[n];
			full = false;
		}
		if (r > 0 && accepting && (p[0].revents & POLLIN)) {
			int c = accept_conn(lfd, SOCK_NONBLOCK);
			if (c >= 0) {
				cl[n] = (struct client){ .fd = c, .last = now };
				if (verbose)
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
static int connect_mode(void)
{
	struct deadline tdl, rdl;
	int64_t delay = 10 * 1000000LL;

	deadline_start(&tdl, timeout_ns);
	deadline_start(&rdl, retry_ns);
	for (;;) {
		int fd = sock_connect(&addr, &tdl);
		if (fd >= 0)
			return addr.type == SOCK_DGRAM ? dgram(fd, false) : stream(fd);
		if (deadline_passed(&tdl))
			die(EXIT_TIMEOUT, "%s: not connected within %s", addr.text, timeout_text);
		if (retry_ns < 0 || deadline_passed(&rdl) || (addr.gai && !may_resolve_later(addr.gai))) {
			sock_warn(&addr, "connect");
			exit(EXIT_FAIL);
		}
		int64_t left = deadline_left(&rdl) < deadline_left(&tdl) ? deadline_left(&rdl)
			: deadline_left(&tdl);
		int64_t ns = delay < left ? delay : left;
		struct timespec ts = { .tv_sec = ns / NS_PER_SEC, .tv_nsec = ns % NS_PER_SEC };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			continue;
		delay = delay * 2 > 500 * 1000000LL ? 500 * 1000000LL : delay * 2;
	}
}

static int listen_mode(char **cmd, mode_t mode, bool exec)
{
	int st;

	if (exec && (st = check_command(cmd[0])) != 0)
		return st;
	atexit(cleanup);
	catch(SIGINT, on_signal);
	catch(SIGTERM, on_signal);
	catch(SIGHUP, on_signal);
	int lfd = sock_listen(&addr, mode, SOMAXCONN);
	if (lfd < 0) {
		sock_warn(&addr, "listen");
		return EXIT_FAIL;
	}
	if (print_port) {
		char b[16];
		int n = snprintf(b, sizeof b, "%d\n", sock_port(lfd));
		if (write_all(STDOUT_FILENO, b, (size_t)n) < 0)
			die_stdout();
	}
	if (!keep) {
		struct deadline dl;
		int r;
		deadline_start(&dl, timeout_ns);
		while ((r = wait_fd(lfd, POLLIN, deadline_poll_ms(&dl))) < 0 && errno == EINTR)
			continue;
		if (r == 0)
			die(EXIT_TIMEOUT, "%s: no connection within %s", addr.text, timeout_text);
		if (r < 0)
			die(EXIT_FAIL, "poll:");
	}
	if (addr.type == SOCK_DGRAM)
		return dgram(lfd, true);
	if (exec)
		return serve_exec(lfd, cmd);
	if (fcntl(lfd, F_SETFL, O_NONBLOCK) < 0)
		die(EXIT_FAIL, "%s: fcntl:", addr.text);
	if (keep)
		return serve_lines(lfd);
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		die(EXIT_FAIL, "%s: accept:", addr.text);
	stop_listening(lfd);
	return stream(c);
}

static const char optstring[] = ":0aehi:klm:qrR:T:vV";

int main(int argc, char **argv)
{
	bool listening = false, exec = false, mode_given = false, max_given = false;
	const char *framing = NULL;
	mode_t mode = 0600;
	int c;

	tool_init("sockpipe");
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case '0': delim = term = '\0'; framing = "null"; break;
		case 'a': delim = REC_WHOLE; framing = "all"; break;
		case 'e': exec = true; break;
		case 'h': print_usage(usage);
		case 'i':
			ropt.idle_ns = arg_duration("--idle", optarg);
			ropt.idle_text = optarg;
			break;
		case 'k': keep = true; break;
		case 'l': listening = true; break;
		case 'm': mode = arg_mode("--mode", optarg); mode_given = true; break;
		case OPT_MAX_CONNS:
			max_conns = (unsigned)arg_u64("--max-conns", optarg, 1, 4096);
			max_given = true;
			break;
		case OPT_PRINT_PORT: print_port = true; break;
		case 'q': quit = true; break;
		case 'r': term = REC_RAW; framing = "raw"; break;
		case 'R': retry_ns = arg_duration("--retry", optarg); break;
		case 'T': timeout_ns = arg_duration("--timeout", optarg); timeout_text = optarg; break;
		case 'v': verbose = true; break;
		case 'V': print_version();
		default: usage_bad_option(argc, argv, optstring, c);
		}
	}
	if (optind >= argc)
		usage_error("missing ADDRESS");
	sock_arg(argv[optind++], &addr);
	char **cmd = argv + optind;
	if (exec && !*cmd)
		usage_error("--exec: missing COMMAND after the address");
	if (!exec && *cmd)
		usage_error("extra operand '%s' (a command needs --exec)", *cmd);
	if (!listening && (keep || exec || print_port))
		usage_error("--%s needs --listen", keep ? "keep" : exec ? "exec" : "print-port");
	if (listening && retry_ns >= 0)
		usage_error("--retry is for connecting, not with --listen");
	if (print_port && addr.family == AF_UNIX)
		usage_error("--print-port needs a tcp or udp address");
	if (exec && addr.type == SOCK_DGRAM)
		usage_error("--exec needs a stream address, not %s", addr.text);
	if (!listening && (mode_given || max_given))
		usage_error("--%s needs --listen", mode_given ? "mode" : "max-conns");
	if (framing && addr.type != SOCK_DGRAM)
		usage_error("--%s is for datagram addresses, not %s", framing, addr.text);
	/* The streams this run reads and writes must be open (-k needs no input). */
	if (!exec && !keep)
		need_std(STDIN_FILENO);
	if (!exec || print_port)
		need_std(STDOUT_FILENO);
	if (listening && keep)
		cap_conns(max_given);
	ropt.label = addr.text;
	ropt.quit_on_eof = quit;
	owner = getpid();
	return listening ? listen_mode(cmd, mode, exec) : connect_mode();
}
