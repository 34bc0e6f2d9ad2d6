/* SPDX-License-Identifier: ISC */
/*
 * sockpipe's modes, one file each: a connected stream (sockstream.c),
 * datagrams (sockdgram.c), the inetd-style -l -e server (sockserve.c) and
 * the -l --keep log sink (socklog.c); sockopen.c gets them their socket.
 * cmd/sockpipe.c parses the command line and picks one. A mode returns
 * the exit status, or exits with a message.
 */
#ifndef IPCUTILS_SOCKPIPE_H
#define IPCUTILS_SOCKPIPE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "deadline.h"
#include "prefix.h"
#include "relay.h"
#include "sockaddr.h"
#include "userspec.h"

/* What the command line asked for, read by every mode. */
struct sockpipe_opts {
	struct sock_spec addr;
	struct relay_opts relay;  /* label, -q, -i */
	bool listen, exec, keep, print_port, verbose;
	int port_fd;               /* --print-port[=FD]: 2 by default */
	bool mode_given, max_given, backlog_given;
	const char *framing;      /* the datagram-only option given, for its message */
	int delim, term;          /* record framing (-0, -a, -r, --netstring) */
	int64_t keepalive_ns, user_timeout_ns; /* tcp; 0: off */
	struct timeout timeout, retry; /* -T, -R */
	mode_t mode;
	unsigned max_conns;
	char **cmd;               /* -e: COMMAND [ARG]... */
	char *cmd_path;           /* -e: the file COMMAND names, found once */
	pid_t owner;              /* the process that removes the socket file */
	int backlog;              /* --backlog: listen(2)'s; SOMAXCONN by default */
	int lfd[2], nlfd;         /* the listening sockets (two: both loopbacks) */
	int lpoll;                /* the descriptor that polls them all */
	struct prefix_rules rules; /* --allow, --deny */
	unsigned max_per_ip;      /* --max-per-ip; 0: no limit */
	bool drop;                /* --userspec given */
	struct userspec user;     /* who to become once listening */
};

/* Relay stdin and stdout over the connected stream socket fd. */
int sockstream_run(int fd, const struct sockpipe_opts *o);
/* Records of stdin as datagrams, datagrams as records to stdout. */
int sockdgram_run(int fd, bool listening, const struct sockpipe_opts *o);
/* -e: the command for each connection; its status (the last one's, -k). */
int sockserve_run(int lfd, struct sockpipe_opts *o);
/* -k without -e: every client's lines (or netstrings) to stdout, whole. */
int socklog_run(int lfd, const struct sockpipe_opts *o);

/* Connect, retrying with -R, bounded by -T (124). */
int sockopen_connect(struct sockpipe_opts *o);
/*
 * Listen, the socket file removed at exit or on a signal, --print-port
 * done. Returns the descriptor to poll for clients (o->lpoll: one for
 * all of o->lfd); -1 after saying why it failed.
 */
int sockopen_listen(struct sockpipe_opts *o);
/* Without -k: wait for the one client, -T bounding the wait from the first call. */
void sockopen_await(int lfd, const struct sockpipe_opts *o);
/* Without -k or -e: the one client (refused ones waited past), and stop listening. */
int sockopen_accept_one(int lfd, struct sockpipe_opts *o);
/*
 * accept4 on any listening socket, the client's address in *peer (tcp):
 * -1 on an error (said) or none there, or a client --allow/--deny refused
 * (EAGAIN), -2 out of descriptors with --keep.
 */
int sockopen_accept(const struct sockpipe_opts *o, int flags, struct ipaddr *peer);
/* Close client c at once, with one line on stderr: "ADDRESS: PEER refused (why)". */
void sockopen_refuse(int c, const struct sockpipe_opts *o, const char *why);
/*
 * --max-per-ip: whether client c fits beside the in connections its
 * address has open; if not, it is refused (closed, a line on stderr).
 */
bool sockopen_per_ip_ok(int c, const struct sockpipe_opts *o, unsigned in);
/* A single-connection listener that has its connection stops listening. */
void sockopen_stop_listening(struct sockpipe_opts *o);
/* --max-conns no larger than the descriptors left under RLIMIT_NOFILE. */
void sockopen_cap_conns(struct sockpipe_opts *o);

#endif
