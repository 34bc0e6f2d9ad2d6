/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "alloc.h"
#include "diag.h"
#include "io.h"
#include "parse.h"
#include "tmpname.h"
#include "sockaddr.h"

static const struct {
	const char *name;
	int family, type;
} inet_forms[] = {
	{ "tcp", AF_UNSPEC, SOCK_STREAM }, { "tcp4", AF_INET, SOCK_STREAM },
	{ "tcp6", AF_INET6, SOCK_STREAM }, { "udp", AF_UNSPEC, SOCK_DGRAM },
	{ "udp4", AF_INET, SOCK_DGRAM }, { "udp6", AF_INET6, SOCK_DGRAM },
};

static int set_path(struct sock_spec *sp, const char *p, bool abstract, const char **why)
{
	size_t n = strlen(p);

	if (n == 0) {
		*why = abstract ? "empty name" : "empty path";
		return -1;
	}
	if (n > sizeof sp->path - 1) {
		*why = abstract ? "name too long (at most 107 bytes)"
			: "path too long (at most 107 bytes)";
		return -1;
	}
	sp->family = AF_UNIX;
	sp->abstract = abstract;
	memcpy(sp->path + abstract, p, n);
	return 0;
}

/* HOST:PORT or [IPV6]:PORT; HOST may be empty, "*" or "localhost". */
static int set_inet(struct sock_spec *sp, const char *s, const char **why)
{
	const char *colon;
	size_t hlen;

	if (*s == '[') {
		const char *end = strchr(s, ']');
		if (!end) {
			*why = "'[' without ']'";
			return -1;
		}
		if (end[1] != ':') {
			*why = "missing ':PORT' after ']'";
			return -1;
		}
		s++;
		hlen = (size_t)(end - s);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon) {
			*why = "missing ':PORT'";
			return -1;
		}
		hlen = (size_t)(colon - s);
		if (memchr(s, ':', hlen)) {
			*why = "an IPv6 address needs brackets: [ADDRESS]:PORT";
			return -1;
		}
	}
	if (hlen >= sizeof sp->host) {
		*why = "host name too long";
		return -1;
	}
	memcpy(sp->host, s, hlen);
	sp->host[hlen] = '\0';
	const char *port = colon + 1;
	uint64_t n;
	if (*port == '\0') {
		*why = "missing port";
		return -1;
	}
	if (strspn(port, "0123456789") == strlen(port)) {
		if (parse_u64(port, 0, 65535, &n) < 0) {
			*why = "port out of range (0 to 65535)";
			return -1;
		}
		/* Stored as the number it is: leading zeros need no room. */
		snprintf(sp->port, sizeof sp->port, "%u", (unsigned)n);
		return 0;
	}
	/* A service name starts with a letter ("80x", "-1", "0x50" are not). */
	if (!(*port >= 'a' && *port <= 'z')
	    || strspn(port, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(port)
	    || strlen(port) >= sizeof sp->port) {
		*why = "bad port (a number or a service name)";
		return -1;
	}
	memcpy(sp->port, port, strlen(port) + 1);
	return 0;
}

int sock_parse(const char *s, struct sock_spec *sp, const char **why)
{
	const char *colon = strchr(s, ':');
	size_t plen = colon ? (size_t)(colon - s) : 0;

	memset(sp, 0, sizeof *sp);
	sp->text = s;
	sp->type = SOCK_STREAM;
	sp->family = AF_UNSPEC;
	if (colon && strncmp(s, "unix", plen) == 0 && plen == 4)
		return set_path(sp, colon + 1, false, why);
	if (colon && strncmp(s, "abstract", plen) == 0 && plen == 8)
		return set_path(sp, colon + 1, true, why);
	if (colon && strncmp(s, "unix-dgram", plen) == 0 && plen == 10) {
		sp->type = SOCK_DGRAM;
		return set_path(sp, colon + 1, false, why);
	}
	for (size_t i = 0; colon && i < sizeof inet_forms / sizeof *inet_forms; i++) {
		if (strlen(inet_forms[i].name) != plen || strncmp(s, inet_forms[i].name, plen) != 0)
			continue;
		sp->family = inet_forms[i].family;
		sp->type = inet_forms[i].type;
		return set_inet(sp, colon + 1, why);
	}
	if (strchr(s, '/'))
		return set_path(sp, s, false, why);
	*why = colon ? "unknown address type" : "not an address";
	return -1;
}

void sock_arg(const char *s, struct sock_spec *sp)
{
	const char *why;

	if (sock_parse(s, sp, &why) < 0)
		usage_error("%s: %s; an address is one of %s", s, why, SOCK_FORMS);
}

static socklen_t unix_addr(const struct sock_spec *sp, struct sockaddr_un *a)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, sp->path, sizeof a->sun_path);
	if (sp->abstract)
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sp->path + 1));
	return (socklen_t)sizeof *a;
}

/* Resolve for connect or bind; NULL with sp->gai set. */
static struct addrinfo *resolve(struct sock_spec *sp)
{
	struct addrinfo hints = { .ai_family = sp->family, .ai_socktype = sp->type };
	struct addrinfo *res = NULL;
	const char *host = sp->host;

	if (*host == '\0' || strcmp(host, "localhost") == 0) {
		/* loopback: getaddrinfo gives it for a NULL host without AI_PASSIVE */
		host = NULL;
		if (hints.ai_family == AF_UNSPEC)
			hints.ai_family = AF_INET;
	} else if (strcmp(host, "*") == 0) {
		host = NULL;
		hints.ai_flags = AI_PASSIVE;
	}
	sp->gai = getaddrinfo(host, sp->port, &hints, &res);
	if (sp->gai == EAI_SYSTEM && errno == 0)
		errno = EIO;
	return sp->gai ? NULL : res;
}

static void close_keep_errno(int fd)
{
	int e = errno;
	close(fd);
	errno = e;
}

static int connect_one(int family, int type, const struct sockaddr *a, socklen_t len,
		       const struct deadline *dl)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	int err = 0;
	socklen_t elen = sizeof err;

	if (fd < 0)
		return -1;
	if (family == AF_UNIX) {
		/* unix connect never waits but for a full backlog: bound it. */
		struct timeval tv = ns_to_timeval(deadline_left(dl));
		sa_family_t autobind = AF_UNIX;
		if (!dl->forever)
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (type == SOCK_DGRAM && bind(fd, (struct sockaddr *)&autobind, sizeof autobind) < 0)
			goto fail;
		if (connect(fd, a, len) < 0) {
			if (errno == EAGAIN || errno == EINPROGRESS)
				errno = ETIMEDOUT;
			goto fail;
		}
		tv.tv_sec = tv.tv_usec = 0;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		fd_nonblock(fd);
		return fd;
	}
	fd_nonblock(fd);
	if (connect(fd, a, len) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto fail;
	for (;;) {
		int r = wait_fd(fd, POLLOUT, deadline_poll_ms(dl));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		goto fail;
	if (err == 0)
		return fd;
	errno = err;
fail:
	close_keep_errno(fd);
	return -1;
}

int sock_connect(struct sock_spec *sp, const struct deadline *dl)
{
	struct addrinfo *res, *ai;
	int fd = -1;

	sp->gai = 0;
	if (sp->family == AF_UNIX) {
		struct sockaddr_un a;
		socklen_t len = unix_addr(sp, &a);
		return connect_one(AF_UNIX, sp->type, (struct sockaddr *)&a, len, dl);
	}
	if (!(res = resolve(sp)))
		return -1;
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = connect_one(ai->ai_family, ai->ai_socktype, ai->ai_addr, ai->ai_addrlen, dl);
		if (fd < 0 && errno == ETIMEDOUT)
			break;
	}
	int e = errno;
	freeaddrinfo(res);
	errno = e;
	return fd;
}

/*
 * Whether any socket is bound to the socket file at path. A datagram
 * connect(2) finds the socket bound to the file's inode whatever its type
 * and network namespace: none gives ECONNREFUSED; a stream or seqpacket
 * one gives EPROTOTYPE, found without a connection its listener would see
 * (nor a wait on its full backlog); a datagram one takes the connect,
 * which sends nothing. Anything but ECONNREFUSED (EACCES too) is in use:
 * when in doubt, the file is left alone.
 */
static bool file_in_use(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return true;
	memcpy(a.sun_path, path, strlen(path) + 1);
	int r = connect(fd, (struct sockaddr *)&a, sizeof a);
	int e = errno;
	close(fd);
	return r == 0 || e != ECONNREFUSED;
}

/* An existing socket file: in use if a socket is bound to it, else stale and removed. */
static int clear_stale(const struct sock_spec *sp)
{
	struct stat st;

	if (lstat(sp->path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	if (file_in_use(sp->path)) {
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(sp->path) < 0 && errno != ENOENT ? -1 : 0;
}

static int bind_listen(int fd, const struct sockaddr *a, socklen_t len, int type, int backlog)
{
	if (bind(fd, a, len) < 0)
		return -1;
	return type == SOCK_STREAM ? listen(fd, backlog) : 0;
}

/* bind(2) *fd to the temporary path; a name in use is EEXIST, to try another. */
static int bind_tmp(const char *path, void *fd)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	memcpy(a.sun_path, path, strlen(path) + 1);
	if (bind(*(int *)fd, (struct sockaddr *)&a, sizeof a) == 0)
		return 0;
	if (errno == EADDRINUSE)
		errno = EEXIST;
	return -1;
}

/* A unix socket, its file (if any) made as sock_listen says. */
static int listen_unix(struct sock_spec *sp, mode_t mode, int backlog)
{
	struct sockaddr_un a, tmp;
	socklen_t len = unix_addr(sp, &a);
	int fd;

	if (!sp->abstract && clear_stale(sp) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, sp->type | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	/*
	 * The file is born with its mode, under a name of its own, and
	 * appears at PATH only once it listens: whoever waits for the
	 * file can connect at once. link() never replaces a file.
	 */
	tmp = a;
	size_t nx = sp->abstract ? 0
		: tmpname_beside(tmp.sun_path, sizeof tmp.sun_path, sp->path, "sock");
	bool staged = nx > 0;
	mode_t old = umask(~mode & 0777);
	int r = staged ? tmpname_make(tmp.sun_path, nx, bind_tmp, &fd)
		: bind(fd, (struct sockaddr *)&a, len);
	umask(old);
	struct stat st;
	if (r < 0 || (!sp->abstract && lstat(staged ? tmp.sun_path : sp->path, &st) < 0)) {
		close_keep_errno(fd);
		return -1;
	}
	if (!sp->abstract) {
		sp->dev = st.st_dev;
		sp->ino = st.st_ino;
	}
	sp->made_file = !sp->abstract && !staged;
	if ((sp->type == SOCK_STREAM && listen(fd, backlog) < 0)
	    || (staged && link(tmp.sun_path, sp->path) < 0)) {
		close_keep_errno(fd);
		if (staged)
			unlink(tmp.sun_path);
		sock_unlink(sp);
		return -1;
	}
	if (staged) {
		unlink(tmp.sun_path);
		sp->made_file = true;
	}
	return fd;
}

/* A socket bound (and listening) on ai, or -1; dual: IPv6 that takes IPv4 too. */
static int listen_ai(const struct addrinfo *ai, int type, int backlog, bool dual)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0), one = 1, zero = 0;

	if (fd < 0)
		return -1;
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if ((dual && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0)
	    || bind_listen(fd, ai->ai_addr, ai->ai_addrlen, type, backlog) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

/*
 * "*" with no family pinned: one IPv6 socket that takes IPv4 as well
 * (getaddrinfo would give 0.0.0.0 first, and IPv6 clients were refused).
 * -2 where the system has no IPv6, for the caller to bind IPv4 alone.
 */
static int listen_dual(struct sock_spec *sp, int backlog)
{
	struct addrinfo *res;

	sp->family = AF_INET6;
	res = resolve(sp);
	sp->family = AF_UNSPEC;
	if (!res) {
		sp->gai = 0;
		return -2;
	}
	int fd = listen_ai(res, sp->type, backlog, true);
	int e = errno;
	freeaddrinfo(res);
	errno = e;
	if (fd < 0 && (e == EAFNOSUPPORT || e == EADDRNOTAVAIL || e == EPROTONOSUPPORT))
		return -2;
	return fd;
}

int sock_listen(struct sock_spec *sp, mode_t mode, int backlog)
{
	struct addrinfo *res, *ai;
	int fd = -1;

	sp->gai = 0;
	if (sp->family == AF_UNIX)
		return listen_unix(sp, mode, backlog);
	if (sp->family == AF_UNSPEC && strcmp(sp->host, "*") == 0
	    && (fd = listen_dual(sp, backlog)) != -2)
		return fd;
	if (!(res = resolve(sp)))
		return -1;
	for (ai = res, fd = -1; ai && fd < 0; ai = ai->ai_next)
		fd = listen_ai(ai, sp->type, backlog, false);
	int e = errno;
	freeaddrinfo(res);
	errno = e;
	return fd;
}

/* The tries at one port free on both loopbacks when the kernel picks it. */
#define LOOPBACK_TRIES 16

/*
 * tcp::PORT, udp::PORT (or localhost): 127.0.0.1 and ::1 on the same port
 * (clients that try ::1 first find it). Port 0 binds 127.0.0.1 first and
 * ::1 on the port it got, trying again while that is taken on IPv6. No
 * ::1 on the system: 127.0.0.1 alone.
 */
static int listen_loopbacks(struct sock_spec *sp, int backlog, int fd[2])
{
	struct addrinfo ai6 = { .ai_family = AF_INET6, .ai_socktype = sp->type };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	bool any_port = strcmp(sp->port, "0") == 0;

	ai6.ai_addr = (struct sockaddr *)&a6;
	ai6.ai_addrlen = sizeof a6;
	for (int i = 0; i < LOOPBACK_TRIES; i++) {
		sp->family = AF_INET;
		fd[0] = sock_listen(sp, 0, backlog);
		sp->family = AF_UNSPEC;
		if (fd[0] < 0)
			return -1;
		a6.sin6_port = htons((uint16_t)sock_port(fd[0]));
		if ((fd[1] = listen_ai(&ai6, sp->type, backlog, false)) >= 0)
			return 2;
		int e = errno;
		if (e == EAFNOSUPPORT || e == EADDRNOTAVAIL || e == EPROTONOSUPPORT)
			return 1;
		close(fd[0]);
		errno = e;
		if (e != EADDRINUSE || !any_port)
			return -1;
	}
	return -1;
}

int sock_listen_all(struct sock_spec *sp, mode_t mode, int backlog, int fd[2])
{
	bool loopback = *sp->host == '\0' || strcmp(sp->host, "localhost") == 0;

	if (sp->family == AF_UNSPEC && loopback)
		return listen_loopbacks(sp, backlog, fd);
	return (fd[0] = sock_listen(sp, mode, backlog)) < 0 ? -1 : 1;
}

void sock_unlink(const struct sock_spec *sp)
{
	struct stat st;

	if (sp->made_file && lstat(sp->path, &st) == 0 && st.st_dev == sp->dev
	    && st.st_ino == sp->ino)
		unlink(sp->path);
}

int sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

int sock_family(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	return getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ? -1 : ss.ss_family;
}

/* The numeric host and port of a socket address, false if it has none. */
static bool numeric(const struct sockaddr_storage *ss, socklen_t len, char *host, char *port)
{
	return (ss->ss_family == AF_INET || ss->ss_family == AF_INET6)
		&& getnameinfo((const struct sockaddr *)ss, len, host, INET6_ADDRSTRLEN + 1,
			       port, 8, NI_NUMERICHOST | NI_NUMERICSERV) == 0;
}

int sock_ucspi_vars(int fd, char vars[SOCK_UCSPI_N][SOCK_UCSPI_LEN])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[INET6_ADDRSTRLEN + 1], port[8];
	int n = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_UNIX) {
		struct ucred cr;
		socklen_t crlen = sizeof cr;
		snprintf(vars[n++], SOCK_UCSPI_LEN, "PROTO=UNIX");
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) == 0) {
			snprintf(vars[n++], SOCK_UCSPI_LEN, "UNIXREMOTEPID=%ld", (long)cr.pid);
			snprintf(vars[n++], SOCK_UCSPI_LEN, "UNIXREMOTEUID=%ld", (long)cr.uid);
			snprintf(vars[n++], SOCK_UCSPI_LEN, "UNIXREMOTEGID=%ld", (long)cr.gid);
		}
		return n;
	}
	snprintf(vars[n++], SOCK_UCSPI_LEN, "PROTO=%s", ss.ss_family == AF_INET6 ? "TCP6" : "TCP");
	if (numeric(&ss, len, host, port)) {
		snprintf(vars[n++], SOCK_UCSPI_LEN, "TCPLOCALIP=%s", host);
		snprintf(vars[n++], SOCK_UCSPI_LEN, "TCPLOCALPORT=%s", port);
	}
	len = sizeof ss;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 && numeric(&ss, len, host, port)) {
		snprintf(vars[n++], SOCK_UCSPI_LEN, "TCPREMOTEIP=%s", host);
		snprintf(vars[n++], SOCK_UCSPI_LEN, "TCPREMOTEPORT=%s", port);
	}
	return n;
}

/* Whether an environment entry is one of the UCSPI variables. */
static bool sock_ucspi_name(const char *var)
{
	static const char *const prefixes[] = { "PROTO=", "TCPREMOTE", "TCPLOCAL", "UNIXREMOTE" };

	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
		if (strncmp(var, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

void sock_peer_text(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[INET6_ADDRSTRLEN + 1], port[8];
	struct ucred cr;
	socklen_t crlen = sizeof cr;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 && numeric(&ss, len, host, port))
		snprintf(buf, size, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
	else if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) == 0 && cr.pid > 0)
		snprintf(buf, size, "pid %ld", (long)cr.pid);
	else
		snprintf(buf, size, "a peer");
}

void sock_warn(const struct sock_spec *sp, const char *what)
{
	if (sp->gai && sp->gai != EAI_SYSTEM)
		warn("%s: unknown host or port: %s", sp->text, gai_strerror(sp->gai));
	else if (errno == EEXIST && sp->family == AF_UNIX)
		warn("%s: %s exists and is not a socket; left untouched", sp->text, sp->path);
	else
		warn("%s: %s:", sp->text, what);
}

char **sock_ucspi_env(int fd)
{
	static char vars[SOCK_UCSPI_N][SOCK_UCSPI_LEN];
	static char **env;
	static size_t cap;
	size_t n = 0, nenv = 0;

	while (environ[nenv])
		nenv++;
	if (cap < nenv + SOCK_UCSPI_N + 1) {
		cap = nenv + SOCK_UCSPI_N + 1;
		env = xreallocarray(env, cap, sizeof *env);
	}
	for (size_t i = 0; i < nenv; i++)
		if (!sock_ucspi_name(environ[i]))
			env[n++] = environ[i];
	for (int i = 0, k = sock_ucspi_vars(fd, vars); i < k; i++)
		env[n++] = vars[i];
	env[n] = NULL;
	return env;
}
