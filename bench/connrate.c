/*
 * connrate: short request/reply connections one after another, for the
 * connection-rate bench. Not installed.
 *   connrate N ADDRESS   N times: connect, send "ping\n", read the 5-byte
 *                        reply, close; fail unless every reply is "ping\n"
 *                        (an echo server). No half-close: ncat -e ends the
 *                        whole connection at its client's EOF.
 */
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "parse.h"
#include "sockaddr.h"
#include "tool.h"

int main(int argc, char **argv)
{
	struct sock_spec sp;
	struct deadline dl;
	uint64_t n;

	tool_init("connrate");
	if (argc != 3)
		usage_error("usage: connrate N ADDRESS");
	n = arg_u64("N", argv[1], 1, 1000000);
	sock_arg(argv[2], &sp);
	for (uint64_t i = 0; i < n; i++) {
		char reply[5];
		deadline_start(&dl, 10 * NS_PER_SEC);
		int fd = sock_connect(&sp, &dl);
		if (fd < 0) {
			sock_warn(&sp, "connect");
			return 1;
		}
		if (write_all(fd, "ping\n", 5) < 0)
			die(1, "%s: connection %llu: send:", argv[2], (unsigned long long)i + 1);
		ssize_t got = read_full(fd, reply, sizeof reply);
		if (got != 5 || memcmp(reply, "ping\n", 5) != 0)
			die(1, "%s: connection %llu: %zd bytes of reply, not the echo", argv[2],
			    (unsigned long long)i + 1, got);
		close(fd);
	}
	return 0;
}
