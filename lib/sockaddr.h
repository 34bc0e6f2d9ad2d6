/* SPDX-License-Identifier: ISC */
/*
 * Socket addresses: unix:PATH (or any argument with a slash), abstract:NAME,
 * unix-dgram:PATH, tcp:HOST:PORT, tcp:[IPV6]:PORT, udp:HOST:PORT, and
 * tcp4:/tcp6:/udp4:/udp6: to pin the family. One parser, and the connect
 * and listen that go with it, so every message names the address as given.
 */
#ifndef IPCUTILS_SOCKADDR_H
#define IPCUTILS_SOCKADDR_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/un.h>

#include "deadline.h"

#define SOCK_FORMS "unix:PATH, abstract:NAME, unix-dgram:PATH, " \
	"tcp:HOST:PORT, tcp:[IPV6]:PORT, udp:HOST:PORT, tcp4: tcp6: udp4: udp6:"

struct sock_spec {
	const char *text;   /* the address as given, for messages */
	int family;         /* AF_UNIX, AF_INET, AF_INET6 or AF_UNSPEC */
	int type;           /* SOCK_STREAM or SOCK_DGRAM */
	bool abstract;      /* AF_UNIX in the abstract namespace */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char host[256];     /* "" none given (loopback), "*" every address */
	char port[32];
	int gai;            /* the getaddrinfo error of the last call, or 0 */
	bool made_file;     /* sock_listen created path; sock_unlink removes it */
	dev_t dev;          /* the file it made, to remove no other */
	ino_t ino;
};

/*
 * Parse an address. Returns 0, or -1 with *why saying what is wrong.
 * A unix path is checked for length; ports for range.
 */
int sock_parse(const char *s, struct sock_spec *sp, const char **why);
/* As sock_parse, but a malformed address is a usage error showing the forms. */
void sock_arg(const char *s, struct sock_spec *sp);

/*
 * Connect to each address the spec resolves to in turn, until one takes
 * or the deadline passes (errno ETIMEDOUT). Returns a non-blocking
 * socket, or -1 with errno set; a name that does not resolve gives -1
 * with sp->gai set. A unix datagram socket is bound to an autobound
 * abstract name so that replies can reach it.
 */
int sock_connect(struct sock_spec *sp, const struct deadline *dl);

/*
 * Bind (and listen on, for streams) the address: no host or "localhost"
 * is loopback, "*" is every address (IPv6 and IPv4 unless the family is
 * pinned). A unix socket file gets mode; an existing socket file no
 * socket of any type is bound to is replaced, anything else
 * there is EADDRINUSE (a socket in use) or EEXIST (not a socket).
 * Returns the socket (blocking), or -1 with errno (or sp->gai) set.
 */
int sock_listen(struct sock_spec *sp, mode_t mode, int backlog);

/*
 * As sock_listen, into fd[]; returns how many sockets (or -1): tcp or
 * udp with no host or "localhost" and no family pinned is two, 127.0.0.1
 * and ::1 on one port (127.0.0.1 alone where the system has no ::1).
 */
int sock_listen_all(struct sock_spec *sp, mode_t mode, int backlog, int fd[2]);

/*
 * Remove the socket file sock_listen made, if path still names it (not
 * another server's that replaced it); async-signal-safe.
 */
void sock_unlink(const struct sock_spec *sp);

/* The port a socket is bound to, or -1. */
int sock_port(int fd);
/* The address family of a socket (AF_INET6 for udp:[::1]:P), or -1. */
int sock_family(int fd);

/*
 * Name a connection's peer for a command, in the UCSPI variables that
 * tcpserver sets: PROTO (TCP, TCP6 or UNIX), TCPREMOTEIP, TCPREMOTEPORT,
 * TCPLOCALIP, TCPLOCALPORT; on a unix socket the peer's credentials
 * (SO_PEERCRED) as UNIXREMOTEPID, UNIXREMOTEUID, UNIXREMOTEGID. Fills
 * vars with "NAME=VALUE" strings, returns how many.
 */
#define SOCK_UCSPI_N 5
#define SOCK_UCSPI_LEN 80
int sock_ucspi_vars(int fd, char vars[SOCK_UCSPI_N][SOCK_UCSPI_LEN]);
/*
 * The environment for a command run on connection fd: environ, the
 * variables above replaced by fd's. Valid until the next call.
 */
char **sock_ucspi_env(int fd);

/* "IP:PORT" ("[IP]:PORT" for IPv6) of fd's peer, or "pid N" on unix. */
void sock_peer_text(int fd, char *buf, size_t size);

/*
 * Say what went wrong with sp while doing what ("connect", "listen"):
 * "ADDRESS: unknown host: ..." or "ADDRESS: what: strerror".
 */
void sock_warn(const struct sock_spec *sp, const char *what);

#endif
