/* SPDX-License-Identifier: ISC */
/* sockpipe on a connected stream socket: the relay, and -v's line. */
#include <errno.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "diag.h"
#include "io.h"
#include "relay.h"
#include "sockaddr.h"
#include "sockpipe.h"

/* -v: the one line for a stream connection, also when an error ends it. */
struct conn {
	const struct sockpipe_opts *o;
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
int sockstream_run(int fd, const struct sockpipe_opts *o)
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
