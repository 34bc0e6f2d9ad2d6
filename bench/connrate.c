/* SPDX-License-Identifier: ISC */
/*
 * connrate: short request/reply connections one after another, for the
 * connection-rate bench. Not installed.
 *   connrate N tcp:HOST:PORT   N times: connect, send "ping\n", read the
 *                              5-byte reply, close; fail unless every reply
 *                              is "ping\n" (an echo server). No half-close:
 *                              ncat -e ends the whole connection at its
 *                              client's EOF.
 */
#include <netdb.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "diag.h"
#include "io.h"
#include "parse.h"
#include "sockaddr.h"
#include "tool.h"

int main(int argc, char **argv)
{
	struct sock_spec sp;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	uint64_t n;

	tool_init("connrate");
	if (argc != 3)
		usage_error("usage: connrate N ADDRESS");
	n = arg_u64("N", argv[1], 1, 1000000);
	sock_arg(argv[2], &sp);
	/* Resolved once: the loop costs what the servers cost, little else. */
	if (getaddrinfo(*sp.host ? sp.host : "127.0.0.1", sp.port, &hints, &ai) != 0)
		die(1, "%s: cannot resolve", argv[2]);
	for (uint64_t i = 0; i < n; i++) {
		char reply[5];
		int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
			die(1, "%s: connection %llu: connect:", argv[2], (unsigned long long)i + 1);
		if (write_all(fd, "ping\n", 5) < 0)
			die(1, "%s: connection %llu: send:", argv[2], (unsigned long long)i + 1);
		ssize_t got = read_full(fd, reply, sizeof reply);
		if (got != 5 || memcmp(reply, "ping\n", 5) != 0)
			die(1, "%s: connection %llu: %zd bytes of reply, not the echo", argv[2],
			    (unsigned long long)i + 1, got);
		close(fd);
	}
	freeaddrinfo(ai);
	return 0;
}
