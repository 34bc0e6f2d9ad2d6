/* SPDX-License-Identifier: ISC */
/*
 * splicerelay: the least a one-way socket relay can do, for make bench
 * ("the system's limit"). Not installed.
 *   splicerelay send ADDRESS   connect; splice stdin (a pipe) to the socket
 *   splicerelay recv ADDRESS   listen, accept one; splice the socket to
 *                              stdout, through a pipe of its own if stdout
 *                              is not one
 * ADDRESS as for sockpipe (unix:PATH, tcp:HOST:PORT, ...).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "deadline.h"
#include "diag.h"
#include "sockaddr.h"
#include "tool.h"

#define CHUNK (1 << 20)

/* Splice from in to out until EOF; through a pipe if neither is one. */
static void pump(int in, int out, int via)
{
	int p[2] = { -1, -1 };
	ssize_t n;

	if (via && pipe2(p, 0) < 0)
		die(1, "pipe:");
	if (via)
		fcntl(p[1], F_SETPIPE_SZ, CHUNK);
	for (;;) {
		n = splice(in, NULL, via ? p[1] : out, NULL, CHUNK, SPLICE_F_MOVE);
		if (n < 0)
			die(1, "splice:");
		if (n == 0)
			return;
		while (via && n > 0) {
			ssize_t m = splice(p[0], NULL, out, NULL, (size_t)n, SPLICE_F_MOVE);
			if (m <= 0)
				die(1, "splice out:");
			n -= m;
		}
	}
}

int main(int argc, char **argv)
{
	struct sock_spec sp;
	struct stat st;
	struct deadline dl;
	char c;

	tool_init("splicerelay");
	if (argc != 3)
		usage_error("usage: splicerelay send|recv ADDRESS");
	sock_arg(argv[2], &sp);
	if (strcmp(argv[1], "send") == 0) {
		deadline_start(&dl, -1);
		int fd = sock_connect(&sp, &dl);
		if (fd < 0)
			die(1, "%s: connect:", sp.text);
		fcntl(fd, F_SETFL, 0);
		pump(STDIN_FILENO, fd, 0);
		shutdown(fd, SHUT_WR);
		if (read(fd, &c, 1) < 0)
			die(1, "%s: read:", sp.text);
		return 0;
	}
	int lfd = sock_listen(&sp, 0600, 1);
	if (lfd < 0)
		die(1, "%s: listen:", sp.text);
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die(1, "%s: accept:", sp.text);
	sock_unlink(&sp);
	pump(fd, STDOUT_FILENO, fstat(STDOUT_FILENO, &st) < 0 || !S_ISFIFO(st.st_mode));
	return 0;
}
